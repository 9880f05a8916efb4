package org.deeprnn.bench;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A peer as a child process with a fixed thread count, answering one workload at a time between the
 * benchmark's own rounds: Debian's PyTorch ({@code tools/bench/peer.py --serve}, paths {@code torch-Nt}) or
 * libtorch 2.10 through its JavaCPP preset ({@code tools/bench/libtorch-peer}, paths {@code libtorch-Nt}), both
 * speaking the same line protocol. {@code OMP_NUM_THREADS} and the library's own thread count are both set to
 * it ({@code OPENBLAS_*} variables are passed on as they are).
 */
final class PeerProcess implements AutoCloseable {
    /** Path prefixes of the peers in the table. */
    static final String TORCH = "torch", LIBTORCH = "libtorch";
    static final String LIBTORCH_BUILD = "mvn -q -f tools/bench/libtorch-peer/pom.xml -Djavacpp.platform=linux-x86_64 compile";
    static final String INSTALL_HINT = "install PyTorch for python3 (Debian: apt-get install python3-torch libopenblas0-pthread), "
            + "or set PEER_PYTHON to an interpreter that has it";
    private final Process process;
    private final BufferedReader in;
    private final BufferedWriter toPeer;
    final int threads;
    final String hello;
    private final String kind;

    private PeerProcess(Process process, String kind, int threads) throws IOException {
        this.process = process;
        this.kind = kind;
        this.threads = threads;
        this.in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.toPeer = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        String line = in.readLine();
        if (line == null || !line.startsWith("ready ")) {
            process.destroy();
            throw new IOException("the peer did not start (" + (line == null ? "no output" : line) + ")");
        }
        this.hello = line.substring("ready ".length());
    }

    /**
     * The interpreter that runs the peer: {@code PEER_PYTHON} when set, else the first of {@code python3}
     * and Debian's {@code /usr/bin/python3} (which a pyenv or venv {@code python3} on the PATH may hide)
     * that can import torch; null, with the reason and how to install torch printed, when none can.
     */
    static String findPython(PrintStream out) {
        List<String> candidates = new ArrayList<>();
        String env = System.getenv("PEER_PYTHON");
        if (env != null && !env.isBlank()) {
            candidates.add(env.trim());
        } else {
            candidates.add("python3");
            candidates.add("/usr/bin/python3");
        }
        for (String python : candidates) {
            if (importsTorch(python)) {
                return python;
            }
        }
        out.println("   --peer: no python3 here can import torch (tried " + String.join(", ", candidates) + "); "
                + INSTALL_HINT + ". Carrying on without the peer.");
        return null;
    }

    private static boolean importsTorch(String python) {
        try {
            Process p = new ProcessBuilder(python, "-c", "import torch").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Starts {@code script} under {@code python} with {@code threads} threads. */
    static PeerProcess start(String python, Path script, int threads) throws IOException {
        if (!Files.isRegularFile(script)) {
            throw new IOException("the peer script " + script + " is missing (run from the repository's root, as tools/benchmark.sh does)");
        }
        ProcessBuilder pb = new ProcessBuilder(python, script.toString(), "--serve", "--threads", String.valueOf(threads));
        pb.environment().put("OMP_NUM_THREADS", String.valueOf(threads));
        pb.environment().put("PYTHONWARNINGS", "ignore");
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        return new PeerProcess(pb.start(), TORCH, threads);
    }

    /**
     * Why the libtorch peer in {@code module} cannot start (not built: the command that builds it), or null when
     * it can.
     */
    static String libtorchProblem(Path module) {
        Path target = module.resolve("target");
        if (!Files.isRegularFile(target.resolve("classpath.txt")) || !Files.isDirectory(target.resolve("classes"))) {
            return "the libtorch 2.10 peer is not built (" + module + "/target has no classes or classpath.txt); build it once "
                    + "with: " + LIBTORCH_BUILD;
        }
        return null;
    }

    /** Starts the libtorch peer built in {@code module} with {@code threads} threads, in its own JVM. */
    static PeerProcess startLibtorch(Path module, int threads) throws IOException {
        String problem = libtorchProblem(module);
        if (problem != null) {
            throw new IOException(problem);
        }
        Path target = module.resolve("target");
        String classPath = target.resolve("classes") + java.io.File.pathSeparator + Files.readString(target.resolve("classpath.txt")).trim();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx2g", "-cp", classPath, "org.deeprnn.peer.LibtorchPeer", "--serve",
                "--threads", String.valueOf(threads));
        pb.environment().put("OMP_NUM_THREADS", String.valueOf(threads));
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        return new PeerProcess(pb.start(), LIBTORCH, threads);
    }

    /** Whether a table path is a peer's: {@code torch-Nt} or {@code libtorch-Nt}. */
    static boolean isPeerPath(String path) {
        return path.startsWith(TORCH + "-") || path.startsWith(LIBTORCH + "-");
    }

    /** Path name in the table: {@code torch-1t}, {@code libtorch-2t}, ... */
    String path() {
        return kind + "-" + threads + "t";
    }

    /** Times {@code reps} iterations of {@code w} after {@code warmup} untimed ones; milliseconds each. */
    double[] time(Workload w, int warmup, int reps) throws IOException {
        toPeer.write(String.format(Locale.ROOT, "run cell=%s layers=%d hidden=%d batch=%d steps=%d vocab=%d warmup=%d reps=%d%n",
                w.cellName(), w.layers(), w.hidden(), w.batch(), w.steps(), w.vocab(), warmup, reps));
        toPeer.flush();
        String line = in.readLine();
        if (line == null) {
            throw new IOException("the peer (" + path() + ") ended without an answer");
        }
        if (!line.startsWith("ok ")) {
            throw new IOException("the peer (" + path() + ") answered: " + line);
        }
        String[] f = line.substring(3).trim().split("\\s+");
        double[] ms = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            ms[i] = Double.parseDouble(f[i]);
        }
        return ms;
    }

    @Override
    public void close() {
        try {
            toPeer.write("quit\n");
            toPeer.flush();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroy();
            }
        } catch (IOException e) {
            process.destroy();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroy();
        }
    }
}
