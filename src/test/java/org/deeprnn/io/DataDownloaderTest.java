package org.deeprnn.io;

import org.deeprnn.text.TimeMachine;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataDownloaderTest {
    private static final byte[] BOOK = "The Time Machine\n\nI\nThe Time Traveller was expounding.\n"
            .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DAMAGED = "The Time Machine\n\nI\nThe Time Traveller was expoundinq.\n"
            .getBytes(StandardCharsets.US_ASCII);
    private static final URI NO_NETWORK = URI.create("http://127.0.0.1:1/timemachine.txt");
    private static final String NAME = "timemachine.txt";

    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();

    @TempDir
    Path tmp;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        serve("/good", 200, BOOK);
        serve("/damaged", 200, DAMAGED);
        serve("/missing", 404, "not here".getBytes(StandardCharsets.US_ASCII));
        server.start();
    }

    private void serve(String path, int status, byte[] body) {
        server.createContext(path, exchange -> {
            requests.incrementAndGet();
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    private static String sha1(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes));
    }

    private static List<String> filesIn(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void downloadsVerifiesAndThenReusesTheFileWithoutNetwork() throws Exception {
        Path dataDir = tmp.resolve("data");
        String expected = sha1(BOOK);
        Path file = new DataDownloader(url("/good"), expected, NAME, dataDir, Optional.empty()).fetch();
        assertEquals(dataDir.resolve(NAME), file);
        assertArrayEquals(BOOK, Files.readAllBytes(file));
        assertEquals(List.of(NAME), filesIn(dataDir), "no temporary file may remain");
        assertEquals(1, requests.get());

        Path again = new DataDownloader(NO_NETWORK, expected.toUpperCase(), NAME, dataDir, Optional.empty()).fetch();
        assertEquals(file, again);
        assertEquals(1, requests.get(), "a verified file must be used without asking the server");
    }

    @Test
    void checksumMismatchNamesUrlExpectedAndFoundAndLeavesNothing() throws Exception {
        Path dataDir = tmp.resolve("data");
        String expected = sha1(BOOK);
        DataDownloader downloader = new DataDownloader(url("/damaged"), expected, NAME, dataDir, Optional.empty());
        DataLoadException e = assertThrows(DataLoadException.class, downloader::fetch);
        String message = e.getMessage();
        assertTrue(message.contains(url("/damaged").toString()), message);
        assertTrue(message.contains("expected " + expected), message);
        assertTrue(message.contains(sha1(DAMAGED)), message);
        assertEquals(List.of(), filesIn(dataDir), "the damaged download must not stay in the data folder");
    }

    @Test
    void existingFileWithWrongChecksumIsReportedNotReplaced() throws Exception {
        Path dataDir = Files.createDirectories(tmp.resolve("data"));
        Files.write(dataDir.resolve(NAME), DAMAGED);
        String expected = sha1(BOOK);
        DataDownloader downloader = new DataDownloader(url("/good"), expected, NAME, dataDir, Optional.empty());
        DataLoadException e = assertThrows(DataLoadException.class, downloader::fetch);
        String message = e.getMessage();
        assertTrue(message.contains(dataDir.resolve(NAME).toAbsolutePath().toString()), message);
        assertTrue(message.contains(expected) && message.contains(sha1(DAMAGED)), message);
        assertTrue(message.contains("Delete it"), message);
        assertEquals(0, requests.get());
        assertArrayEquals(DAMAGED, Files.readAllBytes(dataDir.resolve(NAME)));
    }

    @Test
    void noNetworkAndNoMirrorNamesBothWaysOutAndTheReason() throws Exception {
        Path dataDir = tmp.resolve("data");
        DataDownloader downloader = new DataDownloader(NO_NETWORK, sha1(BOOK), NAME, dataDir, Optional.empty());
        DataLoadException e = assertThrows(DataLoadException.class, downloader::fetch);
        String message = e.getMessage();
        assertTrue(message.contains("D2L_DATA_MIRROR"), message);
        assertTrue(message.contains("network"), message);
        assertTrue(message.contains(NO_NETWORK.toString()), message);
        assertTrue(message.contains("ConnectException"), message);
        assertTrue(message.contains(dataDir.toAbsolutePath().toString()), message);
        assertEquals(List.of(), filesIn(dataDir));
    }

    @Test
    void httpErrorIsReportedWithItsStatus() throws Exception {
        Path dataDir = tmp.resolve("data");
        DataDownloader downloader = new DataDownloader(url("/missing"), sha1(BOOK), NAME, dataDir, Optional.empty());
        DataLoadException e = assertThrows(DataLoadException.class, downloader::fetch);
        assertTrue(e.getMessage().contains("HTTP 404") && e.getMessage().contains("D2L_DATA_MIRROR"), e.getMessage());
        assertEquals(List.of(), filesIn(dataDir));
    }

    @Test
    void mirrorIsReadInPlaceWithoutChecksumOrNetwork() throws Exception {
        Path mirror = Files.createDirectories(tmp.resolve("mirror"));
        Files.write(mirror.resolve(NAME), DAMAGED);
        Path dataDir = tmp.resolve("data");
        Path file = new DataDownloader(NO_NETWORK, sha1(BOOK), NAME, dataDir, Optional.of(mirror)).fetch();
        assertEquals(mirror.resolve(NAME), file);
        assertEquals(List.of(), filesIn(dataDir), "the mirror copy must not be copied into the data folder");
    }

    @Test
    void emptyOrBinaryMirrorFilesAreRefusedByName() throws Exception {
        Path mirror = Files.createDirectories(tmp.resolve("mirror"));
        Path file = mirror.resolve(NAME);
        DataDownloader downloader = new DataDownloader(NO_NETWORK, sha1(BOOK), NAME, tmp.resolve("data"), Optional.of(mirror));

        Files.write(file, new byte[0]);
        DataLoadException empty = assertThrows(DataLoadException.class, downloader::fetch);
        assertTrue(empty.getMessage().contains(file.toString()) && empty.getMessage().contains("empty"), empty.getMessage());

        Files.writeString(file, " \n\n");
        assertTrue(assertThrows(DataLoadException.class, downloader::fetch).getMessage().contains("empty"));

        Files.write(file, new byte[]{'a', 'b', 0, 'c'});
        DataLoadException nul = assertThrows(DataLoadException.class, downloader::fetch);
        assertTrue(nul.getMessage().contains(file.toString()) && nul.getMessage().contains("binary"), nul.getMessage());

        Files.write(file, new byte[]{'a', (byte) 0xC3, '(', 'b'});
        DataLoadException undecodable = assertThrows(DataLoadException.class, downloader::fetch);
        assertTrue(undecodable.getMessage().contains(file.toString()) && undecodable.getMessage().contains("UTF-8"),
                undecodable.getMessage());
    }

    @Test
    void missingMirrorFolderOrFileIsReported() throws Exception {
        Path absent = tmp.resolve("no-such-folder");
        DataLoadException folder = assertThrows(DataLoadException.class, () ->
                new DataDownloader(NO_NETWORK, sha1(BOOK), NAME, tmp.resolve("data"), Optional.of(absent)).fetch());
        assertTrue(folder.getMessage().contains(absent.toString()) && folder.getMessage().contains("D2L_DATA_MIRROR"),
                folder.getMessage());
        assertFalse(Files.exists(absent));

        Path emptyMirror = Files.createDirectories(tmp.resolve("mirror"));
        DataLoadException file = assertThrows(DataLoadException.class, () ->
                new DataDownloader(NO_NETWORK, sha1(BOOK), NAME, tmp.resolve("data"), Optional.of(emptyMirror)).fetch());
        assertTrue(file.getMessage().contains("has no " + NAME), file.getMessage());
        assertFalse(Files.exists(emptyMirror.resolve(NAME)));
    }

    @Test
    void dataFolderComesFromTheEnvironmentOrTheNearestProject() throws Exception {
        Path project = Files.createDirectories(tmp.resolve("project"));
        Files.writeString(project.resolve("pom.xml"), "<project/>");
        Path notebooks = Files.createDirectories(project.resolve("notebooks/deep"));
        assertEquals(project.resolve("data"), DataDownloader.defaultDataDir(Map.of(), notebooks));
        assertEquals(project.resolve("data"), DataDownloader.defaultDataDir(Map.of(), project));
        assertEquals(Path.of("/elsewhere/d2l"),
                DataDownloader.defaultDataDir(Map.of("D2L_DATA_DIR", "/elsewhere/d2l"), notebooks));

        Path loose = Files.createDirectories(tmp.resolve("loose"));
        boolean pomAbove = false;
        for (Path p = loose; p != null; p = p.getParent()) {
            pomAbove |= Files.exists(p.resolve("pom.xml"));
        }
        if (!pomAbove) {
            assertEquals(loose.resolve("data"), DataDownloader.defaultDataDir(Map.of(), loose));
        }

        assertEquals(Optional.empty(), DataDownloader.mirrorDir(Map.of()));
        assertEquals(Optional.empty(), DataDownloader.mirrorDir(Map.of("D2L_DATA_MIRROR", " ")));
        assertEquals(Optional.of(Path.of("/mirror")), DataDownloader.mirrorDir(Map.of("D2L_DATA_MIRROR", "/mirror")));
    }

    @Test
    void invalidSettingsAreRefused() {
        Path dataDir = tmp.resolve("data");
        assertThrows(IllegalArgumentException.class,
                () -> new DataDownloader(NO_NETWORK, "1234", NAME, dataDir, Optional.empty()));
        assertThrows(IllegalArgumentException.class,
                () -> new DataDownloader(NO_NETWORK, TimeMachine.SHA1, "sub/" + NAME, dataDir, Optional.empty()));
        assertThrows(NullPointerException.class,
                () -> new DataDownloader(NO_NETWORK, TimeMachine.SHA1, NAME, dataDir, null));
    }
}
