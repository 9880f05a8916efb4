package org.deeprnn.peer;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.GRUImpl;
import org.bytedeco.pytorch.GRUOptions;
import org.bytedeco.pytorch.LSTMImpl;
import org.bytedeco.pytorch.LSTMOptions;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.RNNImpl;
import org.bytedeco.pytorch.RNNOptions;
import org.bytedeco.pytorch.SGD;
import org.bytedeco.pytorch.SGDOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Function;

import static org.bytedeco.pytorch.global.torch.*;

/**
 * The libtorch 2.10 peer of the training benchmark: the same model and step as {@code tools/bench/peer.py}
 * (one-hot input, an RNN/LSTM/GRU of {@code layers} layers, a linear layer back to the vocabulary, cross-entropy
 * averaged over the predicted tokens, global-norm clipping to 1, an SGD step of rate 1), speaking its line
 * protocol: {@code --serve --threads N} prints one {@code ready ...} line, then answers each
 * {@code run cell=... layers=... hidden=... batch=... steps=... vocab=... warmup=... reps=...} with
 * {@code ok <ms> ...} (or {@code error <message>}); {@code quit} or the end of input stops it.
 * Times are taken inside the process; it ends with {@code Runtime.halt} after flushing, because libtorch's
 * native teardown can crash the JVM at exit after the results are out.
 */
public final class LibtorchPeer {
    private LibtorchPeer() {
    }

    /** One model, its optimiser and four random batches made before timing. */
    private static final class Workload {
        final Module net = new Module();
        final Function<Tensor, Tensor> recurrent;
        final LinearImpl out;
        final TensorVector params;
        final SGD opt;
        final int hidden;
        final List<Tensor[]> batches = new ArrayList<>();
        int calls;

        Workload(String cell, int layers, int hidden, int batch, int steps, int vocab) {
            manual_seed(42);
            this.hidden = hidden;
            switch (cell) {
                case "lstm" -> {
                    LSTMOptions o = new LSTMOptions(vocab, hidden);
                    o.num_layers().put(layers);
                    LSTMImpl m = net.register_module("rnn", new LSTMImpl(o));
                    recurrent = x -> m.forward(x).get0();
                }
                case "gru" -> {
                    GRUOptions o = new GRUOptions(vocab, hidden);
                    o.num_layers().put(layers);
                    GRUImpl m = net.register_module("rnn", new GRUImpl(o));
                    recurrent = x -> m.forward(x).get0();
                }
                case "rnn" -> {
                    RNNOptions o = new RNNOptions(vocab, hidden); // tanh by default, as peer.py asks for
                    o.num_layers().put(layers);
                    RNNImpl m = net.register_module("rnn", new RNNImpl(o));
                    recurrent = x -> m.forward(x).get0();
                }
                default -> throw new IllegalArgumentException("unknown cell '" + cell + "': use rnn, lstm or gru");
            }
            out = net.register_module("out", new LinearImpl(hidden, vocab));
            params = net.parameters();
            opt = new SGD(params, new SGDOptions(1.0));
            for (int i = 0; i < 4; i++) {
                Tensor x = one_hot(randint(vocab, new long[]{steps, batch}), vocab).to(kFloat());
                Tensor y = randint(vocab, new long[]{(long) steps * batch});
                batches.add(new Tensor[]{x, y});
            }
        }

        void step() {
            Tensor[] b = batches.get(calls++ % batches.size());
            try (PointerScope scope = new PointerScope()) {
                opt.zero_grad();
                Tensor h = recurrent.apply(b[0]);
                Tensor logits = out.forward(h.reshape(-1, hidden));
                Tensor loss = cross_entropy(logits, b[1]);
                loss.backward();
                clip_grad_norm_(params, 1.0);
                opt.step();
            }
        }

        double[] time(int warmup, int reps) {
            for (int i = 0; i < warmup; i++) {
                step();
            }
            double[] ms = new double[reps];
            for (int i = 0; i < reps; i++) {
                long t0 = System.nanoTime();
                step();
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            return ms;
        }
    }

    private static Map<String, String> fields(String line) {
        Map<String, String> f = new HashMap<>();
        String[] items = line.trim().split("\\s+");
        for (int i = 1; i < items.length; i++) {
            int eq = items[i].indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("expected key=value, got '" + items[i] + "'");
            }
            f.put(items[i].substring(0, eq), items[i].substring(eq + 1));
        }
        return f;
    }

    private static int number(Map<String, String> f, String key) {
        String v = f.remove(key);
        if (v == null) {
            throw new IllegalArgumentException("missing " + key + "=");
        }
        return Integer.parseInt(v);
    }

    public static void main(String[] args) throws Exception {
        int threads = 1;
        boolean serve = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--serve" -> serve = true;
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (use --serve --threads N)");
            }
        }
        if (!serve || threads < 1) {
            System.err.println("usage: LibtorchPeer --serve --threads N (N at least 1)");
            System.exit(2);
        }
        set_num_threads(threads);
        set_num_interop_threads(1);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        out.println("ready libtorch=2.10.0 threads=" + get_num_threads() + " onednn=" + get_mkldnn_version().getString());
        Map<String, Workload> models = new HashMap<>();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            line = line.trim();
            if (line.isEmpty()) {
                continue;
            }
            if (line.equals("quit")) {
                break;
            }
            try {
                if (!line.startsWith("run ")) {
                    throw new IllegalArgumentException("expected 'run ...' or 'quit', got '" + line + "'");
                }
                Map<String, String> f = fields(line);
                String cell = f.getOrDefault("cell", "lstm");
                f.remove("cell");
                int layers = number(f, "layers"), hidden = number(f, "hidden"), batch = number(f, "batch"), steps = number(f, "steps"),
                        vocab = number(f, "vocab"), warmup = number(f, "warmup"), reps = number(f, "reps");
                if (!f.isEmpty()) {
                    throw new IllegalArgumentException("unknown field(s): " + f.keySet());
                }
                String key = String.join(",", cell, "" + layers, "" + hidden, "" + batch, "" + steps, "" + vocab);
                Workload w = models.computeIfAbsent(key, k -> new Workload(cell, layers, hidden, batch, steps, vocab));
                StringJoiner answer = new StringJoiner(" ", "ok ", "");
                for (double ms : w.time(warmup, reps)) {
                    answer.add(String.format(Locale.ROOT, "%.4f", ms));
                }
                out.println(answer);
            } catch (RuntimeException e) {
                out.println("error " + e.getClass().getSimpleName() + ": " + String.valueOf(e.getMessage()).replace('\n', ' '));
            }
        }
        out.flush();
        Runtime.getRuntime().halt(0);
    }
}
