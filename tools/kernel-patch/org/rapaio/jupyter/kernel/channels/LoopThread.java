package org.rapaio.jupyter.kernel.channels;

import org.rapaio.jupyter.kernel.message.MessageType;

/**
 * Stands in for rapaio-jupyter-kernel 3.0.1's class of the same name (same constructor and
 * methods), placed before the kernel's jar on the class path by tools/run-chapters.sh.
 *
 * <p>The kernel's own version starts the thread and only then sets its running flag, while the
 * thread's loop ends at once when it finds the flag false: now and then the shell, control or
 * heartbeat socket of a freshly started kernel is never read (tools/kernel-starts.py counts how
 * often). This one sets the flag first. And a loop body that throws no longer ends the loop:
 * a request that arrives before the kernel has registered its handlers made the shell thread
 * die with a NullPointerException; now that one request is lost and the socket stays served. Ten
 * failures in a row still end the loop. And a loop reads its socket only once the kernel has
 * registered its message handlers (the kernel starts the loops first): before, the first
 * kernel_info request of a front-end that asks once (the Notebook server) was dropped as
 * "Unhandled message", and the server waited a minute for its reply.
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
        awaitHandlers();
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

    /** Waits (at most a minute) until the kernel's last message handler is registered. */
    private void awaitHandlers() {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline && running) {
            try {
                Channels channels = org.rapaio.jupyter.kernel.MainApp.kernel.channels();
                if (channels != null && channels.getHandler(MessageType.SHELL_COMM_INFO_REQUEST) != null) {
                    return;
                }
            } catch (RuntimeException e) {
                // the handler map does not exist yet
            }
            try {
                Thread.sleep(10);
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
