package org.deeprnn.badinput;

import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeprnn.generate.TextGenerator;
import org.deeprnn.io.DataDownloader;
import org.deeprnn.model.CellType;
import org.deeprnn.model.DeepRnnBuilder;
import org.deeprnn.model.ModelStore;
import org.deeprnn.series.RegimeParameters;
import org.deeprnn.series.RegimeSeries.Split;
import org.deeprnn.series.RegimeSeriesFiles;
import org.deeprnn.text.Corpus;
import org.deeprnn.text.RandomSampling;
import org.deeprnn.text.SequentialPartitioning;
import org.deeprnn.text.TextPreprocessor;
import org.deeprnn.text.TimeMachine;
import org.deeprnn.text.WindowSampling;
import org.deeprnn.train.Trainer;
import org.deeprnn.train.TrainingResult;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;

import static org.deeprnn.badinput.BadInputCase.correct;
import static org.deeprnn.badinput.BadInputCase.error;

/**
 * The library's bad inputs of issue 22, and their kin (encodings, unusual paths, special files, number
 * options). Only APIs that existed before the issue's fixes are used, so the same list measures both rounds.
 */
final class LibraryCases {
    private static final String PHRASE = "the time machine by h g wells ";
    private static final Corpus CORPUS = Corpus.fromTokens(TextPreprocessor.charTokens(PHRASE.repeat(60)), 0);
    private static final int MAX = Integer.MAX_VALUE;

    private final Path tmp;

    LibraryCases(Path tmp) {
        this.tmp = tmp;
    }

    private static MultiLayerNetwork net(CellType cell, int hidden) {
        return new DeepRnnBuilder().cell(cell).layers(2).hiddenUnits(hidden).vocabSize(CORPUS.vocab().size()).seed(1).network();
    }

    private static String fit(Trainer trainer, MultiLayerNetwork net) {
        TrainingResult r = trainer.fit(net, new RandomSampling(CORPUS, 8, 10, 1));
        return String.format(Locale.ROOT, "trained %d epochs to perplexity %.4g, largest |weight| %.3g",
                r.epochs().size(), r.last().perplexity(), net.params().amaxNumber().doubleValue());
    }

    private static DataSet batch() {
        return new RandomSampling(CORPUS, 4, 10, 1).next();
    }

    private static String fitOne(DataSet batch) {
        MultiLayerNetwork net = net(CellType.SIMPLE_RNN, 8);
        TrainingResult r = Trainer.builder().epochs(1).learningRate(1).progress(null).build()
                .fit(net, new ExistingDataSetIterator(List.of(batch)));
        return String.format(Locale.ROOT, "trained: perplexity %s", r.last().perplexity());
    }

    private DataDownloader mirror(String folder, byte[] content) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("mirror-" + folder));
        Files.write(dir.resolve(TimeMachine.FILE_NAME), content);
        return new DataDownloader(TimeMachine.URL, TimeMachine.SHA1, TimeMachine.FILE_NAME, tmp.resolve("data"), Optional.of(dir));
    }

    private static String corpusOf(DataDownloader source) {
        Corpus c = TimeMachine.corpus(0, source);
        return "accepted as a corpus of " + c.length() + " tokens: \"" + c.text(0, Math.min(40, c.length())) + "\"";
    }

    private static String train(Callable<Object> sampler) throws Exception {
        return "accepted: " + sampler.call().getClass().getSimpleName();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    List<BadInputCase> cases() {
        List<BadInputCase> c = new ArrayList<>();
        // Training that blows up
        c.add(error("lr 1e6 without clipping (LSTM)", () -> fit(Trainer.builder().epochs(3).learningRate(1e6).noClipping()
                .progress(null).build(), net(CellType.LSTM, 32)), "epoch", "learning rate", "clip"));
        c.add(error("lr 1e30 without clipping (GRU)", () -> fit(Trainer.builder().epochs(3).learningRate(1e30).noClipping()
                .progress(null).build(), net(CellType.GRU, 32)), "epoch", "learning rate", "clip"));
        c.add(error("network's own Sgd(-1), no trainer rate", () -> fit(Trainer.builder().epochs(3).noClipping().progress(null)
                .build(), new DeepRnnBuilder().cell(CellType.LSTM).layers(2).hiddenUnits(32).vocabSize(CORPUS.vocab().size())
                .updater(new Sgd(-1)).seed(1).network()), "learning rate", "-1.0", "layer"));
        c.add(error("network's own Sgd(0), no trainer rate", () -> fit(Trainer.builder().epochs(1).progress(null).build(),
                new DeepRnnBuilder().cell(CellType.SIMPLE_RNN).layers(1).hiddenUnits(8).vocabSize(CORPUS.vocab().size())
                        .updater(new Sgd(0)).network()), "learning rate", "0.0", "layer"));
        c.add(error("Trainer learningRate(-1)", () -> "built: " + Trainer.builder().learningRate(-1).build(), "learningRate", "-1"));
        c.add(error("Trainer epochs(0)", () -> "built: " + Trainer.builder().epochs(0).build(), "epochs", "0"));
        c.add(error("Trainer clipGlobalNorm(NaN)", () -> "built: " + Trainer.builder().clipGlobalNorm(Double.NaN).build(),
                "clipping", "NaN"));
        // Batches the trainer cannot learn from
        c.add(error("labels mask of all zeros", () -> {
            DataSet b = batch();
            b.setLabelsMaskArray(Nd4j.zeros(DataType.FLOAT, 4, 10));
            return fitOne(b);
        }, "no token", "mask", "!learning rate"));
        c.add(error("labels mask of the wrong shape [21, 1]", () -> {
            DataSet b = batch();
            b.setLabelsMaskArray(Nd4j.ones(DataType.FLOAT, 21, 1));
            return fitOne(b);
        }, "labels mask", "shape", "[4, 10]"));
        c.add(error("NaN in the features", () -> {
            DataSet b = batch();
            b.getFeatures().putScalar(new long[]{0, 0, 0}, Double.NaN);
            return fitOne(b);
        }, "features", "NaN", "minibatch", "!learning rate"));
        // Networks
        c.add(error("predict with NaN weights", () -> {
            MultiLayerNetwork n = net(CellType.LSTM, 8);
            n.params().putScalar(5, Double.NaN);
            return "generated \"" + new TextGenerator(n, CORPUS.vocab()).predict("time ", 10) + "\"";
        }, "NaN", "layer"));
        c.add(error("sample at temperature NaN", () -> new TextGenerator(net(CellType.LSTM, 8), CORPUS.vocab())
                .sample("time ", 5, Double.NaN, new Random(1)), "temperature", "NaN"));
        c.add(error("predict numChars -1", () -> new TextGenerator(net(CellType.LSTM, 8), CORPUS.vocab()).predict("time", -1),
                "numChars", "-1"));
        c.add(error("hiddenUnits(200_000)", () -> "built " + new DeepRnnBuilder().hiddenUnits(200_000).vocabSize(28).network()
                .numParams() + " parameters", "parameters", "GB", "hiddenUnits").isolatedRun());
        c.add(error("hiddenUnits(30_000) in a 1 GB JVM", () -> "built " + new DeepRnnBuilder().hiddenUnits(30_000).vocabSize(28)
                .network().numParams() + " parameters", "parameters", "GB", "hiddenUnits").isolatedRun());
        c.add(error("layers(Integer.MAX_VALUE)", () -> "built " + new DeepRnnBuilder().layers(MAX).hiddenUnits(8).vocabSize(28)
                .network().numParams() + " parameters", "parameters", "layers").isolatedRun());
        c.add(error("weightInit(null)", () -> "built " + new DeepRnnBuilder().weightInit(null).vocabSize(28).hiddenUnits(4)
                .network().numParams(), "weightInit", "null", "!NullPointerException"));
        c.add(error("updater(null)", () -> "built " + new DeepRnnBuilder().updater(null).vocabSize(28).hiddenUnits(4)
                .network().numParams(), "updater", "null", "!NullPointerException"));
        c.add(error("dataType(null)", () -> "built " + new DeepRnnBuilder().dataType(null).vocabSize(28).hiddenUnits(4)
                .network().numParams(), "dataType", "null", "!NullPointerException"));
        c.add(error("dropout(1.5)", () -> "built " + new DeepRnnBuilder().dropout(1.5).vocabSize(28).network().numParams(),
                "dropout", "1.5"));
        c.add(error("hiddenUnits(0)", () -> "built " + new DeepRnnBuilder().hiddenUnits(0).vocabSize(28).network().numParams(),
                "hiddenUnits", "0"));
        // Sizes that overflow an int
        c.add(error("SequentialPartitioning numSteps MAX_VALUE", () -> train(() -> new SequentialPartitioning(CORPUS, 2, MAX, 1)),
                "numSteps", "2147483648", "!-2147483648", "!bound must"));
        c.add(error("RandomSampling numSteps MAX_VALUE", () -> train(() -> new RandomSampling(CORPUS, 2, MAX, 1)),
                "numSteps", "2147483648", "!-2147483648", "!bound must"));
        c.add(error("RandomSampling batchSize MAX_VALUE", () -> train(() -> new RandomSampling(CORPUS, MAX, 5, 1)),
                "batchSize", "10737418240"));
        c.add(error("WindowSampling numSteps MAX_VALUE", () -> train(() -> WindowSampling.split(CORPUS, 2, MAX, 5, 5, 1)),
                "numSteps", "2147483648", "!-2147483648"));
        c.add(correct("WindowSampling batchSize MAX_VALUE", () -> {
            long rows = WindowSampling.split(CORPUS, MAX, 5, 20, 10, 1).train().next().getFeatures().size(0);
            if (rows != 20) {
                throw new BadInputCase.WrongResult("one batch of " + rows + " windows, expected all 20");
            }
            return "one batch of all 20 windows";
        }));
        c.addAll(fileCases());
        return c;
    }

    private List<BadInputCase> fileCases() {
        List<BadInputCase> c = new ArrayList<>();
        c.add(error("save a model below a file", () -> {
            Path file = Files.writeString(tmp.resolve("afile"), "x");
            ModelStore.save(net(CellType.SIMPLE_RNN, 4), file.resolve("m.zip"));
            return "saved";
        }, "afile", "is a file", "not a folder"));
        c.add(error("save a model onto a folder", () -> {
            ModelStore.save(net(CellType.SIMPLE_RNN, 4), Files.createDirectories(tmp.resolve("folder")));
            return "saved";
        }, "folder", "is a folder"));
        c.add(error("save a model onto a named pipe", () -> {
            Path pipe = tmp.resolve("pipe");
            if (new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor() != 0) {
                throw new IllegalStateException("mkfifo failed");
            }
            ModelStore.save(net(CellType.SIMPLE_RNN, 4), pipe);
            return Files.isRegularFile(pipe) ? "saved, the pipe replaced by a file" : "saved";
        }, "pipe", "not a regular file"));
        c.add(correct("save and load under a path with spaces, quotes, accents", () -> {
            Path file = tmp.resolve("dir with ' \" # ü/m ö.zip");
            MultiLayerNetwork n = net(CellType.SIMPLE_RNN, 4);
            ModelStore.save(n, file);
            if (!ModelStore.load(file).params().equals(n.params())) {
                throw new BadInputCase.WrongResult("loaded other weights");
            }
            return "saved and loaded the same weights";
        }));
        c.add(error("load a model from a text file", () -> "loaded " + ModelStore.load(Files.writeString(tmp.resolve("notes.txt"),
                "not a model")).numParams(), "notes.txt", "not a readable"));
        c.add(error("load a model from /dev/null", () -> "loaded " + ModelStore.load(Path.of("/dev/null")).numParams(), "/dev/null"));
        c.add(error("mirror timemachine.txt is an HTML error page", () -> corpusOf(mirror("html", utf8("<!DOCTYPE html>\n<html><head>"
                + "<title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>\n"))), "timemachine.txt", "HTML"));
        c.add(error("mirror timemachine.txt is \"1234 5678\"", () -> corpusOf(mirror("digits", utf8("1234 5678\n"))),
                "timemachine.txt", "letters"));
        c.add(error("mirror timemachine.txt in Latin-1", () -> corpusOf(mirror("latin1", "caf\u00e9 au lait\n"
                .getBytes(StandardCharsets.ISO_8859_1))), "timemachine.txt", "UTF-8"));
        c.add(error("mirror timemachine.txt in UTF-16", () -> corpusOf(mirror("utf16", "the time machine\n"
                .getBytes(StandardCharsets.UTF_16))), "timemachine.txt"));
        c.add(error("mirror timemachine.txt is empty", () -> corpusOf(mirror("empty", new byte[0])), "timemachine.txt", "empty"));
        c.add(error("mirror timemachine.txt is a folder", () -> {
            Path dir = Files.createDirectories(tmp.resolve("mirror-dir").resolve(TimeMachine.FILE_NAME));
            return corpusOf(new DataDownloader(TimeMachine.URL, TimeMachine.SHA1, TimeMachine.FILE_NAME, tmp.resolve("data"),
                    Optional.of(dir.getParent())));
        }, "timemachine.txt", "not a regular file"));
        c.add(correct("mirror in a folder with spaces and accents", () -> {
            Path dir = Files.createDirectories(tmp.resolve("mirror ü ' #"));
            Files.writeString(dir.resolve(TimeMachine.FILE_NAME), "The Time Machine, by H. G. Wells\n");
            String text = corpusOf(new DataDownloader(TimeMachine.URL, TimeMachine.SHA1, TimeMachine.FILE_NAME, tmp.resolve("data"),
                    Optional.of(dir)));
            if (!text.contains("the time machine by h g wells")) {
                throw new BadInputCase.WrongResult(text);
            }
            return text;
        }));
        c.add(error("series file cut in the middle of a number", () -> {
            RegimeParameters p = RegimeParameters.defaults().withSequences(3, 2, 30);
            Path data = tmp.resolve("series-data");
            Path file = RegimeSeriesFiles.prepare(p, data).seriesFile(Split.TRAIN, 1);
            List<String> lines = Files.readAllLines(file);
            String last = lines.get(lines.size() - 1);
            lines.set(lines.size() - 1, last.substring(0, last.length() - 3));
            Files.write(file, lines);
            RegimeSeriesFiles again = RegimeSeriesFiles.prepare(p, data);
            return again.status() + " (" + again.reason() + ")";
        }, "series_1.csv"));
        return c;
    }
}
