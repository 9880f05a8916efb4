package org.deeprnn.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Fetches one data file the way d2l does, download once and check its SHA-1, and adds an offline
 * way for machines without internet (notebook 3, "The data").
 * <p>
 * Order of precedence in {@link #fetch()}: a mirror folder, if given, is used directly (its copy
 * may be formatted differently, so it is checked for being text, not for the checksum); otherwise
 * a file already in the data folder is used if its SHA-1 matches; otherwise the file is downloaded
 * into a temporary file next to its final place, verified, and renamed atomically, so an
 * interrupted or corrupted download never leaves a file that looks valid.
 * {@link #fromEnvironment} takes the folders from {@value #DATA_DIR_ENV} and {@value #MIRROR_ENV}.
 */
public final class DataDownloader {
    /** Names a folder holding an offline copy of the data files; when set, the network is not used. */
    public static final String MIRROR_ENV = "D2L_DATA_MIRROR";
    /** Overrides the folder downloads are saved into. */
    public static final String DATA_DIR_ENV = "D2L_DATA_DIR";
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Time allowed until the server starts answering. */
    public static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(60);

    private final URI url;
    private final String sha1;
    private final String fileName;
    private final Path dataDir;
    private final Optional<Path> mirrorDir;

    /**
     * @param url       where to download the file from
     * @param sha1      expected SHA-1 of the downloaded file, 40 hex digits
     * @param fileName  name of the file in the data folder and in the mirror folder
     * @param dataDir   folder the download is saved into (created if needed)
     * @param mirrorDir folder holding an offline copy named {@code fileName}, or empty to use the data folder and network
     */
    public DataDownloader(URI url, String sha1, String fileName, Path dataDir, Optional<Path> mirrorDir) {
        this.url = Objects.requireNonNull(url, "url must not be null");
        Objects.requireNonNull(sha1, "sha1 must not be null");
        if (!sha1.matches("[0-9a-fA-F]{40}")) {
            throw new IllegalArgumentException("sha1 must be 40 hex digits, got '" + sha1 + "'");
        }
        this.sha1 = sha1.toLowerCase(Locale.ROOT);
        Objects.requireNonNull(fileName, "fileName must not be null");
        if (fileName.isBlank() || fileName.contains("/") || fileName.contains("\\")) {
            throw new IllegalArgumentException("fileName must be a plain file name without folders, got '" + fileName + "'");
        }
        this.fileName = fileName;
        this.dataDir = Objects.requireNonNull(dataDir, "dataDir must not be null");
        this.mirrorDir = Objects.requireNonNull(mirrorDir, "mirrorDir must not be null (use Optional.empty())");
    }

    /** A downloader whose folders come from the environment: see {@link #defaultDataDir} and {@link #mirrorDir(Map)}. */
    public static DataDownloader fromEnvironment(URI url, String sha1, String fileName) {
        Map<String, String> env = System.getenv();
        Path workingDir = Path.of(System.getProperty("user.dir"));
        return new DataDownloader(url, sha1, fileName, defaultDataDir(env, workingDir), mirrorDir(env));
    }

    /**
     * The data folder: {@value #DATA_DIR_ENV} if set; otherwise {@code data/} in the nearest folder at
     * or above {@code workingDir} that holds a {@code pom.xml} (so notebooks started from
     * {@code notebooks/} share the project's folder); otherwise {@code data/} under {@code workingDir}.
     */
    public static Path defaultDataDir(Map<String, String> env, Path workingDir) {
        String configured = env.get(DATA_DIR_ENV);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return ProjectFolders.resolve(workingDir, "data");
    }

    /** The mirror folder named by {@value #MIRROR_ENV}, or empty when the variable is unset or blank. */
    public static Optional<Path> mirrorDir(Map<String, String> env) {
        String configured = env.get(MIRROR_ENV);
        return configured == null || configured.isBlank() ? Optional.empty() : Optional.of(Path.of(configured));
    }

    public URI url() {
        return url;
    }

    public String sha1() {
        return sha1;
    }

    public String fileName() {
        return fileName;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Optional<Path> mirrorDir() {
        return mirrorDir;
    }

    /** Where a verified download is kept. */
    public Path targetFile() {
        return dataDir.resolve(fileName);
    }

    /**
     * The local file to read: the mirror's copy, the verified file in the data folder, or a fresh
     * verified download.
     *
     * @throws DataLoadException with the file or URL concerned, and what to do, when none of these works
     */
    public Path fetch() {
        if (mirrorDir.isPresent()) {
            return fromMirror(mirrorDir.get());
        }
        Path target = targetFile();
        if (Files.exists(target)) {
            String found = sha1Hex(target);
            if (!found.equals(sha1)) {
                throw new DataLoadException("The file " + target.toAbsolutePath() + " is not the expected one: its SHA-1 is "
                        + found + ", expected " + sha1 + " (the file from " + url + "). Delete it and run again to download "
                        + "it afresh, or set " + MIRROR_ENV + " to a folder that holds " + fileName + ".");
            }
            return target;
        }
        return download(target);
    }

    private Path fromMirror(Path mirror) {
        if (!Files.isDirectory(mirror)) {
            throw new DataLoadException("The data mirror folder " + mirror.toAbsolutePath() + " (set by " + MIRROR_ENV
                    + ") does not exist or is not a folder: point " + MIRROR_ENV + " to a folder that holds " + fileName
                    + ", or unset it to use " + dataDir.toAbsolutePath() + " and the network");
        }
        Path file = mirror.resolve(fileName);
        if (!Files.exists(file)) {
            throw new DataLoadException("The data mirror folder " + mirror.toAbsolutePath() + " (set by " + MIRROR_ENV
                    + ") has no " + fileName + ": copy the file there, or unset " + MIRROR_ENV + " to use "
                    + dataDir.toAbsolutePath() + " and the network");
        }
        try {
            TextFiles.requireText(file);
        } catch (DataLoadException e) {
            throw new DataLoadException("Unusable mirror copy (set by " + MIRROR_ENV + "): " + e.getMessage(), e);
        }
        return file;
    }

    private Path download(Path target) {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new DataLoadException("Cannot create the data folder " + dataDir.toAbsolutePath() + " to save "
                    + fileName + " into: " + e, e);
        }
        Path temp;
        try {
            temp = Files.createTempFile(dataDir, fileName + ".", ".tmp");
        } catch (IOException e) {
            throw new DataLoadException("Cannot write into the data folder " + dataDir.toAbsolutePath() + ": " + e, e);
        }
        boolean moved = false;
        try {
            String found = transfer(temp);
            if (!found.equals(sha1)) {
                throw new DataLoadException("The file downloaded from " + url + " has SHA-1 " + found + ", expected "
                        + sha1 + ": the download is damaged or the file on the server changed. Nothing was saved in "
                        + dataDir.toAbsolutePath() + ".");
            }
            AtomicFiles.move(temp, target);
            moved = true;
            return target;
        } catch (IOException e) {
            throw new DataLoadException("Cannot save the download of " + url + " as " + target.toAbsolutePath() + ": " + e, e);
        } finally {
            if (!moved) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // the temporary file matches *.tmp, which the project ignores; leaving it does no harm
                }
            }
        }
    }

    /** Streams the response into {@code temp} and returns the SHA-1 of what arrived. */
    private String transfer(Path temp) {
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .proxy(ProxySelector.getDefault())
                .build();
        HttpRequest request = HttpRequest.newBuilder(url).timeout(RESPONSE_TIMEOUT).GET().build();
        MessageDigest digest = newSha1();
        try {
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                if (response.statusCode() != 200) {
                    throw unreachable("the server answered HTTP " + response.statusCode(), null);
                }
                try (OutputStream out = new DigestOutputStream(Files.newOutputStream(temp), digest)) {
                    in.transferTo(out);
                }
            }
        } catch (IOException e) {
            throw unreachable(describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DataLoadException("Interrupted while downloading " + url, e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private DataLoadException unreachable(String reason, Throwable cause) {
        return new DataLoadException("Cannot download " + fileName + " from " + url + " (" + reason + "). Two ways out: "
                + "set the environment variable " + MIRROR_ENV + " to a folder that holds " + fileName
                + " (an offline copy); or connect to the network, or place d2l's " + fileName + " (SHA-1 " + sha1
                + ") in " + dataDir.toAbsolutePath() + " yourself.", cause);
    }

    /** Exception class and message along the cause chain: HttpClient often leaves the top message empty. */
    private static String describe(Throwable e) {
        List<String> parts = new ArrayList<>();
        for (Throwable t = e; t != null && parts.size() < 5; t = t.getCause()) {
            String part = t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
            if (parts.isEmpty() || !parts.get(parts.size() - 1).equals(part)) {
                parts.add(part);
            }
        }
        return String.join(", caused by ", parts);
    }

    /** SHA-1 of a file as 40 lower-case hex digits. */
    public static String sha1Hex(Path file) {
        MessageDigest digest = newSha1();
        try (InputStream in = Files.newInputStream(file);
             OutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), digest)) {
            in.transferTo(out);
        } catch (IOException e) {
            throw new DataLoadException("Cannot read " + file.toAbsolutePath() + " to check its SHA-1: " + e, e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest newSha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This Java runtime has no SHA-1, which every Java platform must provide", e);
        }
    }

    @Override
    public String toString() {
        return "DataDownloader(" + fileName + " from " + url + ", data folder " + dataDir
                + mirrorDir.map(m -> ", mirror " + m).orElse("") + ")";
    }
}
