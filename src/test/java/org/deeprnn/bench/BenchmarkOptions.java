package org.deeprnn.bench;

import org.deeprnn.model.CellType;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Command-line settings of {@link TrainingBenchmark}; {@link #usage()} lists them. */
final class BenchmarkOptions {
    static final List<String> PATHS = List.of("dl4j-fit", "trainer-dl4j", "trainer-fused", "trainer-onednn", "trainer");

    int warmup = 5;
    int reps = 7;
    int rounds = 3;
    List<CellType> cells = List.of(CellType.SIMPLE_RNN, CellType.LSTM, CellType.GRU);
    List<Integer> layers = List.of(1, 2, 3);
    int hidden = 256;
    int batch = 32;
    int steps = 35;
    int vocab = 28;
    boolean chapter;
    boolean peer;
    List<Integer> peerThreads = List.of(1, 2);
    List<String> paths = PATHS;
    Path out = Paths.get("target", "benchmark");
    Path peerScript = Paths.get("tools", "bench", "peer.py");
    boolean gemm = true;
    boolean profile;
    int load;
    Path libtorchPeer = Paths.get("tools", "bench", "libtorch-peer");

    /** The models to run: the chapter's two, or every cell and depth at the one shape given. */
    List<Workload> workloads() {
        if (chapter) {
            return Workload.chapter();
        }
        List<Workload> list = new ArrayList<>();
        for (CellType c : cells) {
            for (int l : layers) {
                list.add(new Workload(c, l, hidden, batch, steps, vocab));
            }
        }
        return list;
    }

    static String usage() {
        return """
                usage: bash tools/benchmark.sh [options]
                  --chapter            the chapter's two workloads: 2 x LSTM(256), batch 32 x 35, and
                                       2 x GRU(32), batch 1024 x 32, vocabulary 28 (no shape options with it)
                  --cells rnn,lstm,gru which cells (default all three)
                  --layers 1,2,3       which depths (default 1,2,3)
                  --hidden N           hidden units per layer (default 256)
                  --batch N            sequences per minibatch (default 32)
                  --steps N            time steps per sequence (default 35)
                  --vocab N            one-hot vocabulary size (default 28)
                  --peer               also time the same model and step in PyTorch at 1 and 2 threads, in
                                       rounds interleaved with ours, and print the speed ratio to the best
                                       (needs python3 with torch; PEER_PYTHON=... names the interpreter)
                                       and libtorch 2.10 (tools/bench/libtorch-peer, built once; the benchmark
                                       says how where it is not built)
                  --peer-threads 1,2   the peers' thread counts (default 1,2), one process each
                  --load N             N busy processes (yes > /dev/null) run during the timed rounds, ours and
                                       the peers', and are stopped after (default 0: none)
                  --rounds N           rounds per model (default 3); each round times every path, then the peers
                  --reps N             timed iterations per path and round (default 7)
                  --warmup N           untimed iterations per path before the first round (default 5)
                  --quick              --warmup 2 --reps 3 --rounds 2: a smoke run
                  --paths a,b          among dl4j-fit, trainer-dl4j, trainer-fused, trainer-onednn, and trainer:
                                       the engine Trainer.d2l(...) chooses by default here (default: all five)
                  --no-gemm            skip the matrix-product measurement (no floor then)
                  --profile            print where the fused path's time goes, phase by phase
                  --out DIR            where the CSV goes (default target/benchmark)
                  --help               this text""";
    }

    static BenchmarkOptions parse(String[] args) {
        BenchmarkOptions o = new BenchmarkOptions();
        Set<String> shapeOptions = new LinkedHashSet<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--quick" -> {
                    o.warmup = 2;
                    o.reps = 3;
                    o.rounds = 2;
                }
                case "--chapter" -> o.chapter = true;
                case "--peer" -> o.peer = true;
                case "--peer-threads" -> o.peerThreads = list(a, value(args, ++i)).stream().map(t -> positive("--peer-threads", t))
                        .distinct().toList();
                case "--reps" -> o.reps = positive(a, value(args, ++i));
                case "--rounds" -> o.rounds = positive(a, value(args, ++i));
                case "--warmup" -> o.warmup = nonNegative(a, value(args, ++i));
                case "--cells" -> o.cells = list(a, value(args, ++i)).stream().map(BenchmarkOptions::cell).distinct().toList();
                case "--layers" -> o.layers = list(a, value(args, ++i)).stream().map(s -> positive("--layers", s)).distinct().toList();
                case "--hidden" -> o.hidden = positive(a, value(args, ++i));
                case "--batch" -> o.batch = positive(a, value(args, ++i));
                case "--steps" -> o.steps = positive(a, value(args, ++i));
                case "--vocab" -> o.vocab = positive(a, value(args, ++i));
                case "--paths" -> o.paths = list(a, value(args, ++i)).stream().map(BenchmarkOptions::path).distinct().toList();
                case "--load" -> o.load = nonNegative(a, value(args, ++i));
                case "--out" -> o.out = Paths.get(value(args, ++i));
                case "--no-gemm" -> o.gemm = false;
                case "--profile" -> o.profile = true;
                case "--help", "-h" -> {
                    System.out.println(usage());
                    System.exit(0);
                }
                default -> throw new IllegalArgumentException("Unknown option " + a + " (see --help for the options)");
            }
            if (List.of("--cells", "--layers", "--hidden", "--batch", "--steps", "--vocab").contains(a)) {
                shapeOptions.add(a);
            }
        }
        if (o.chapter && !shapeOptions.isEmpty()) {
            throw new IllegalArgumentException("--chapter fixes the models and shapes; drop " + String.join(", ", shapeOptions)
                    + " or drop --chapter");
        }
        return o;
    }

    private static String value(String[] args, int i) {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value (see --help)");
        }
        return args[i];
    }

    private static List<String> list(String name, String v) {
        List<String> items = Arrays.stream(v.split(",", -1)).map(String::trim).toList();
        if (items.isEmpty() || items.contains("")) {
            throw new IllegalArgumentException(name + " takes a comma-separated list without gaps, got '" + v + "'");
        }
        return items;
    }

    private static int number(String name, String v) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " takes a whole number, got '" + v + "'");
        }
    }

    private static int positive(String name, String v) {
        int n = number(name, v);
        if (n <= 0) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + v);
        }
        return n;
    }

    private static int nonNegative(String name, String v) {
        int n = number(name, v);
        if (n < 0) {
            throw new IllegalArgumentException(name + " must be 0 or more, got " + v);
        }
        return n;
    }

    private static CellType cell(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "rnn", "simplernn", "simple_rnn" -> CellType.SIMPLE_RNN;
            case "lstm" -> CellType.LSTM;
            case "gru" -> CellType.GRU;
            default -> throw new IllegalArgumentException("Unknown cell '" + s + "' in --cells: use rnn, lstm or gru");
        };
    }

    private static String path(String p) {
        if (!PATHS.contains(p)) {
            throw new IllegalArgumentException("Unknown path '" + p + "' in --paths: use " + String.join(", ", PATHS));
        }
        return p;
    }
}
