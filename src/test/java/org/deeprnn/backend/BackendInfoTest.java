package org.deeprnn.backend;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackendInfoTest {

    @Test
    void describesTheCpuBackendOfTheDefaultProfile() {
        Backends.assumeCpu("it checks the default profile's backend");
        BackendInfo info = BackendInfo.describe();
        System.out.println(info);

        assertEquals("CPU", info.platform());
        assertTrue(info.isCpu());
        assertFalse(info.isCuda());
        assertEquals("org.nd4j.linalg.cpu.nativecpu.CpuBackend", info.backendClass());
        assertFalse(info.blasVendor().isBlank());
        assertTrue(info.ompThreads() > 0, "OpenMP threads " + info.ompThreads());
        assertTrue(info.blasThreads() > 0, "BLAS threads " + info.blasThreads());
        assertTrue(info.cores() > 0);
        assertTrue(info.devices() >= 1);
        assertTrue(info.deviceNames().isEmpty());
        assertEquals(DataType.FLOAT, info.defaultFloatType());
        assertTrue(info.selection().contains("nd4j-native"), info.selection());
        assertTrue(info.selection().contains("CpuBackend in nd4j-native-"), info.selection());
        assertTrue(info.backendJars().stream().anyMatch(j -> j.startsWith("nd4j-native-1.0.0-M2.1")), info.backendJars().toString());
        assertTrue(info.backendJars().stream().noneMatch(j -> j.startsWith("nd4j-cuda") || j.startsWith("nd4j-native-api")),
                info.backendJars().toString());
    }

    @Test
    void reportsExactlyTheBackendVariablesThatAreSet() {
        BackendInfo info = BackendInfo.describe();
        for (String name : BackendInfo.BACKEND_VARIABLES) {
            assertEquals(System.getenv(name), info.environment().get(name), name);
        }
        assertTrue(BackendInfo.BACKEND_VARIABLES.containsAll(info.environment().keySet()));
        String omp = System.getenv("OMP_NUM_THREADS");
        assertTrue(info.selection().contains(omp == null ? "OMP_NUM_THREADS is not set" : "OMP_NUM_THREADS=" + omp),
                info.selection());
    }

    @Test
    void toStringHasOneLabelledLinePerFact() {
        String text = BackendInfo.describe().toString();
        for (String label : new String[]{"ND4J backend:", "BLAS:", "OpenMP threads:", "Devices:",
                "Default float type:", "Backend jars:", "Environment:", "Selection:"}) {
            assertTrue(text.lines().anyMatch(l -> l.startsWith(label)), label + " missing in\n" + text);
        }
        assertEquals(8, text.lines().count());
    }

    @Test
    void summaryIsOneLineNamingTheBackend() {
        Backends.assumeCpu("it expects the CPU backend's name in the line");
        BackendInfo info = BackendInfo.describe();
        String line = info.summary();
        assertFalse(line.contains("\n"), line);
        assertTrue(line.startsWith("ND4J backend: CPU, "), line);
        assertTrue(line.contains(info.blasVendor()) && line.endsWith("FLOAT"), line);
    }
}
