package org.deeprnn.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The checks TrainingUi makes before it hands a file to DL4J's UI (the UI itself is not started here). */
class TrainingUiTest {

    @Test
    void refusesMissingEmptyAndTextFiles(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("none.dl4j");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TrainingUi.checkedStatsFile(missing))
                .getMessage().startsWith("No stats file"));
        assertThrows(IllegalArgumentException.class, () -> TrainingUi.checkedStatsFile(dir), "a folder");

        Path empty = Files.createFile(dir.resolve("empty.dl4j"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TrainingUi.checkedStatsFile(empty))
                .getMessage().contains("empty"));

        Path text = Files.writeString(dir.resolve("notes.txt"), "not a stats file, only some text in it\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TrainingUi.checkedStatsFile(text))
                .getMessage().contains("is not a DL4J stats file"));
        assertEquals("not a stats file, only some text in it\n", Files.readString(text), "the file is left as it was");
    }

    @Test
    void aBinaryFileThatIsNoStoreIsNamedAsSuch(@TempDir Path dir) throws Exception {
        byte[] bytes = new byte[4096];
        new java.util.Random(1).nextBytes(bytes);
        java.util.Arrays.fill(bytes, 0, 16, (byte) 0);  // passes the first check: binary, not text
        Path file = Files.write(dir.resolve("random.dl4j"), bytes);
        String message = assertThrows(IllegalArgumentException.class, () -> TrainingUi.open(file)).getMessage();
        assertEquals(file + " is not a DL4J stats file: MapDB cannot read it as a store (VolumeIOError). A run writes "
                + "one with new StatsListener(new FileStatsStorage(file))", message);
    }

    @Test
    void aStatsFileStillOpenInItsRunIsNamedAsSuch(@TempDir Path dir) {
        Path file = dir.resolve("open.dl4j");
        var writing = new org.deeplearning4j.ui.model.storage.FileStatsStorage(file.toFile());
        try {
            String message = assertThrows(IllegalArgumentException.class, () -> TrainingUi.open(file)).getMessage();
            assertEquals(file + " is still open in the run that writes it (MapDB holds a lock on it): close its "
                    + "FileStatsStorage first, or wait until that run ends", message);
        } finally {
            writing.close();
        }
    }

    @Test
    void acceptsAStatsFileWrittenByFileStatsStorage(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("stats.dl4j");
        new org.deeplearning4j.ui.model.storage.FileStatsStorage(file.toFile()).close();
        assertEquals(file.toFile(), TrainingUi.checkedStatsFile(file));
    }

    @Test
    void aPortIsAWholeNumberFromOneTo65535() {
        for (String bad : new String[]{"abc", "-1", "0", "65536", "99999999999", "", "80.5", " 80"}) {
            assertFalse(TrainingUi.validPort(bad), bad);
        }
        for (String good : new String[]{"1", "9000", "65535"}) {
            assertTrue(TrainingUi.validPort(good), good);
        }
    }
}
