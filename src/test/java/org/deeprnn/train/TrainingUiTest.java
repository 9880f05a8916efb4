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
