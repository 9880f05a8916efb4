package org.rapaio.jupyter.kernel.channels;

/**
 * Stands in for rapaio-jupyter-kernel 3.0.1's class of the same name (same constructor and
 * methods), placed before the kernel's jar on the class path by tools/run-chapters.sh.
 *
 * <p>The kernel's own version starts the thread and only then sets its running flag, while the
 * thread's loop ends at once when it finds the flag false: now and then the shell, control or
 * heartbeat socket of a freshly started kernel is never read (tools/kernel-starts.py counts how
 * often). This one sets the flag first. And a loop body that throws no longer ends the loop:
 * a request that arrives before the kernel has registered its handlers made the shell thread
 * die with a NullPointerException; now that one request is lost (front-ends ask again) and the
 * socket stays served. Ten failures in a row still end the loop.
 */
public final class LoopThread extends Thread {
    private volatile boolean running;
    private final long sleep;
    private final Runnable loopBody;

    public LoopThread(String name, long sleep, Runnable loopBody) {
        super(name);
        this.sleep = sleep;
        this.loopBody = loopBody;
    }

    @Override
    public void run() {
        int failedInARow = 0;
        while (running) {
            try {
                loopBody.run();
                failedInARow = 0;
            } catch (RuntimeException e) {
                // a closed socket at shutdown fails every time: end as the kernel's own loop would
                if (++failedInARow >= 10) {
                    throw e;
                }
                System.err.println(getName() + ": " + e + " (the loop goes on)");
            }
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                running = false;
                return;
            }
        }
    }

    @Override
    public synchronized void start() {
        running = true;
        super.start();
    }

    public void shutdown() {
        running = false;
    }
}
