package org.deeprnn.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code --load N}: N busy processes ({@code yes} writing to the null device, one core each) that run
 * while the benchmark times its rounds, so that the table shows what a learner with a browser or a build
 * beside Jupyter meets. They are stopped by {@link #close}, and by a shutdown hook on Ctrl-C or an error.
 */
final class BusyLoad implements AutoCloseable {
    private final List<Process> processes = new ArrayList<>();
    private final Thread hook = new Thread(this::stop, "busy-load-stop");

    private BusyLoad() {
    }

    /** Starts {@code count} busy processes (none for 0). */
    static BusyLoad start(int count) throws IOException {
        BusyLoad load = new BusyLoad();
        if (count == 0) {
            return load;
        }
        Runtime.getRuntime().addShutdownHook(load.hook);
        try {
            for (int i = 0; i < count; i++) {
                load.processes.add(new ProcessBuilder("yes").redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectErrorStream(true).start());
            }
        } catch (IOException e) {
            load.close();
            throw new IOException("--load: could not start a busy process ('yes'): " + e.getMessage(), e);
        }
        return load;
    }

    /** How many busy processes are running now. */
    long running() {
        return processes.stream().filter(Process::isAlive).count();
    }

    /** The load as the table header states it. */
    static String describe(int count) {
        return count == 0 ? "load: none (nothing started beside the benchmark)"
                : "load: " + count + " busy process(es) (yes > /dev/null) running during every timed round, ours and the peers'";
    }

    private void stop() {
        for (Process p : processes) {
            p.destroyForcibly();
        }
        for (Process p : processes) {
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        stop();
        if (!processes.isEmpty()) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down: the hook stops them
            }
        }
    }
}
