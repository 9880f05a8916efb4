package org.deeprnn.train;

import org.deeplearning4j.ui.api.UIServer;
import org.deeplearning4j.ui.model.storage.FileStatsStorage;
import org.mapdb.DBException;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * Opens DL4J's training UI on a stats file that a run wrote through {@code StatsListener} and
 * {@code FileStatsStorage} (attached with {@link Trainer.Builder#dl4jListener}). It only checks the
 * file and hands it to DL4J's own {@link UIServer}; {@code bash tools/training-ui.sh <stats file>}
 * runs {@link #main} until Ctrl-C. DL4J's UI listens on port 9000 unless the system property
 * {@code org.deeplearning4j.ui.port} names another.
 */
public final class TrainingUi {
    /** The system property DL4J's UIServer reads its port from. */
    public static final String PORT_PROPERTY = "org.deeplearning4j.ui.port";

    private static final String VERTX_LOGGING = "vertx.logger-delegate-factory-class-name";

    private TrainingUi() {
    }

    /**
     * Starts DL4J's UI in this JVM (or reuses the running one), attaches {@code statsFile} and returns
     * the address of its overview page. The file must be closed by the run that wrote it
     * ({@code FileStatsStorage.close()}); its database cannot be open twice.
     *
     * @throws IllegalArgumentException if the file is missing, unreadable, empty or not a stats file
     */
    public static String open(Path statsFile) {
        File file = checkedStatsFile(statsFile);
        FileStatsStorage storage;
        try {
            storage = new FileStatsStorage(file);
        } catch (RuntimeException e) {
            throw unreadable(file, e);
        }
        if (storage.listSessionIDs().isEmpty()) {
            throw new IllegalArgumentException(file + " holds no training session: was a StatsListener attached to the training?");
        }
        // Vert.x logs through java.util.logging unless told otherwise; through SLF4J it obeys simplelogger.properties
        if (System.getProperty(VERTX_LOGGING) == null) {
            System.setProperty(VERTX_LOGGING, "io.vertx.core.logging.SLF4JLogDelegateFactory");
        }
        UIServer ui = UIServer.getInstance();
        ui.attach(storage);
        return String.format(Locale.ROOT, "http://localhost:%d/train/overview", ui.getPort());
    }

    /** The error for a file MapDB would not open: locked by the run that still writes it, or no MapDB store at all. */
    static IllegalArgumentException unreadable(File file, RuntimeException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof DBException.FileLocked) {
                return new IllegalArgumentException(file + " is still open in the run that writes it (MapDB holds a lock"
                        + " on it): close its FileStatsStorage first, or wait until that run ends", e);
            }
        }
        String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
        return new IllegalArgumentException(file + " is not a DL4J stats file: MapDB cannot read it as a store (" + why
                + "). A run writes one with new StatsListener(new FileStatsStorage(file))", e);
    }

    /** Checks that {@code statsFile} exists, is a readable non-empty file and starts like a MapDB store, not like text. */
    static File checkedStatsFile(Path statsFile) {
        if (!Files.exists(statsFile)) {
            throw new IllegalArgumentException("No stats file " + statsFile + ": a run writes one with "
                    + "Trainer.builder().dl4jListener(new StatsListener(new FileStatsStorage(file)))");
        }
        if (!Files.isRegularFile(statsFile) || !Files.isReadable(statsFile)) {
            throw new IllegalArgumentException(statsFile + " is not a readable file");
        }
        try (InputStream in = Files.newInputStream(statsFile)) {
            byte[] head = in.readNBytes(16);
            if (head.length < 16) {
                throw new IllegalArgumentException(statsFile + " is empty or too short to be a DL4J stats file");
            }
            // MapDB's header is binary; refusing text keeps MapDB from taking over a file that is no store
            for (byte b : head) {
                if (b == 0) {
                    return statsFile.toFile();
                }
            }
            throw new IllegalArgumentException(statsFile + " is not a DL4J stats file (FileStatsStorage's MapDB store)");
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read " + statsFile + ": " + e.getMessage(), e);
        }
    }

    /** {@code TrainingUi <stats file> [--port N]}: opens the UI, prints its address, serves until Ctrl-C. */
    public static void main(String[] args) throws InterruptedException {
        Path file = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--port") && i + 1 < args.length) {
                String port = args[++i];
                if (!validPort(port)) {
                    exit(2, "error: --port must be a whole number from 1 to 65535, got '" + port + "'");
                }
                System.setProperty(PORT_PROPERTY, port);
            } else if (file == null && !args[i].startsWith("--")) {
                file = Path.of(args[i]);
            } else {
                exit(2, "usage: TrainingUi <stats file> [--port N]");
            }
        }
        if (file == null) {
            exit(2, "usage: TrainingUi <stats file> [--port N]");
        }
        String url;
        try {
            url = open(file);
        } catch (IllegalArgumentException e) {
            exit(1, "error: " + e.getMessage());
            return;
        } catch (RuntimeException e) {
            exit(1, "error: DL4J's UI did not start (" + e + "); is port "
                    + System.getProperty(PORT_PROPERTY, "9000") + " taken? Choose another with --port");
            return;
        }
        System.out.println("DL4J training UI on " + file + ": " + url);
        System.out.println("Ctrl-C stops it.");
        // DL4J's UIServer stops its server in a shutdown hook; this thread only keeps the JVM waiting for Ctrl-C
        new CountDownLatch(1).await();
    }

    /** A TCP port DL4J's server can listen on: digits only, 1 to 65535. */
    static boolean validPort(String port) {
        return port.matches("[0-9]{1,5}") && Integer.parseInt(port) >= 1 && Integer.parseInt(port) <= 65535;
    }

    private static void exit(int status, String message) {
        System.err.println(message);
        System.exit(status);
    }
}
