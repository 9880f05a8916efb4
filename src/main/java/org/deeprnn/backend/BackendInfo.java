package org.deeprnn.backend;

import org.nd4j.common.config.ND4JEnvironmentVars;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.environment.Nd4jEnvironment;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.factory.Nd4jBackend;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Which ND4J backend this JVM runs on and how it was chosen: CPU or CUDA, BLAS library, thread
 * counts, devices, the default floating-point type, the backend jars on the classpath and the
 * environment variables that steer them (notebook 1, "The ND4J backend", and the timings of notebook 2, "What depth costs: parameters
 * and work per step", which only mean something next to this description).
 *
 * @param platform         "CPU" or "CUDA", as the backend reports itself
 * @param backendClass     the {@code Nd4jBackend} implementation ND4J loaded
 * @param blasVendor       the BLAS library behind matrix products (OPENBLAS, MKL, CUBLAS, ...)
 * @param ompThreads       OpenMP threads ND4J's native ops may use
 * @param blasThreads      threads the BLAS library may use
 * @param cores            processors the JVM sees
 * @param devices          devices ND4J spreads work over (1 on the CPU backend)
 * @param deviceNames      names of the CUDA devices; empty on the CPU backend
 * @param defaultFloatType the data type of new floating-point arrays ({@code Nd4j.dataType()})
 * @param backendJars      file names of the backend and BLAS jars on the classpath
 * @param environment      the backend-related environment variables that are set, with their values
 * @param selection        how this backend came to be the one in use, in words
 */
public record BackendInfo(
        String platform,
        String backendClass,
        String blasVendor,
        int ompThreads,
        long blasThreads,
        int cores,
        int devices,
        List<String> deviceNames,
        DataType defaultFloatType,
        List<String> backendJars,
        Map<String, String> environment,
        String selection) {

    /** Environment variables read by ND4J, its native libraries or CUDA that change the backend or its threads. */
    public static final List<String> BACKEND_VARIABLES = List.of(
            ND4JEnvironmentVars.OMP_NUM_THREADS,
            ND4JEnvironmentVars.BACKEND_PRIORITY_CPU,
            ND4JEnvironmentVars.BACKEND_PRIORITY_GPU,
            ND4JEnvironmentVars.BACKEND_PRIORITY_AURORA,
            ND4JEnvironmentVars.BACKEND_DYNAMIC_LOAD_CLASSPATH,
            ND4JEnvironmentVars.ND4J_SKIP_BLAS_THREADS,
            ND4JEnvironmentVars.ND4J_FALLBACK,
            ND4JEnvironmentVars.ND4J_MKL_FALLBACK,
            ND4JEnvironmentVars.ND4J_IGNORE_AVX,
            ND4JEnvironmentVars.SD_MAX_THREADS,
            ND4JEnvironmentVars.SD_MASTER_THREADS,
            ND4JEnvironmentVars.ND4J_CUDA_FORCE_SINGLE_GPU,
            "CUDA_VISIBLE_DEVICES");

    private static final String SERVICE_FILE = "META-INF/services/" + Nd4jBackend.class.getName();
    private static final Pattern BACKEND_JAR = Pattern.compile(
            "(nd4j-native(?!-api)|nd4j-cuda|openblas|mkl|cuda-|cudnn).*\\.jar");

    public BackendInfo {
        deviceNames = List.copyOf(deviceNames);
        backendJars = List.copyOf(backendJars);
        environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
    }

    /** Describes the backend of this JVM, initialising ND4J if it has not started yet. */
    public static BackendInfo describe() {
        Nd4jBackend backend = Nd4j.getBackend();
        Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
        String platform = String.valueOf(env.getOrDefault(Nd4jEnvironment.BACKEND_KEY, "unknown"));
        String backendClass = backend.getClass().getName();
        int omp = (int) number(env.get(Nd4jEnvironment.OMP_THREADS_KEY));
        long blas = number(env.get(Nd4jEnvironment.BLAS_THREADS_KEY));
        int cores = (int) number(env.getOrDefault(Nd4jEnvironment.CPU_CORES_KEY, Runtime.getRuntime().availableProcessors()));
        Map<String, String> variables = new LinkedHashMap<>();
        for (String name : BACKEND_VARIABLES) {
            String value = System.getenv(name);
            if (value != null) {
                variables.put(name, value);
            }
        }
        ClassLoader loader = Nd4jBackend.class.getClassLoader();
        List<String> jars = backendJars(loader);
        String selection = selection(backendClass, providers(loader), omp, variables);
        return new BackendInfo(platform, backendClass,
                String.valueOf(env.getOrDefault(Nd4jEnvironment.BLAS_VENDOR_KEY, "unknown")),
                omp, blas, cores,
                Nd4j.getAffinityManager().getNumberOfDevices(),
                deviceNames(env),
                Nd4j.dataType(),
                jars, variables, selection);
    }

    public boolean isCpu() {
        return "CPU".equalsIgnoreCase(platform);
    }

    public boolean isCuda() {
        return "CUDA".equalsIgnoreCase(platform);
    }

    /**
     * One line for the top of every notebook: which backend runs it, e.g.
     * "ND4J backend: CPU, OPENBLAS, 1 OpenMP thread(s) on 2 core(s), FLOAT".
     */
    public String summary() {
        String devicesPart = isCuda() ? ", " + devices + " device(s)" + (deviceNames.isEmpty() ? "" : " " + deviceNames) : "";
        return "ND4J backend: " + platform + ", " + blasVendor + ", " + ompThreads + " OpenMP thread(s) on " + cores
                + " core(s)" + devicesPart + ", " + defaultFloatType;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        s.append("ND4J backend:        ").append(platform).append(" (").append(backendClass).append(")\n");
        s.append("BLAS:                ").append(blasVendor).append(", ").append(blasThreads).append(" thread(s)\n");
        s.append("OpenMP threads:      ").append(ompThreads).append(" on ").append(cores).append(" core(s)\n");
        s.append("Devices:             ").append(devices);
        if (!deviceNames.isEmpty()) {
            s.append(' ').append(deviceNames);
        }
        s.append('\n');
        s.append("Default float type:  ").append(defaultFloatType).append('\n');
        s.append("Backend jars:        ").append(backendJars.isEmpty() ? "(none found)" : String.join(", ", backendJars)).append('\n');
        s.append("Environment:         ");
        if (environment.isEmpty()) {
            s.append("none of ").append(String.join(", ", BACKEND_VARIABLES)).append(" is set");
        } else {
            List<String> pairs = new ArrayList<>();
            environment.forEach((k, v) -> pairs.add(k + "=" + v));
            s.append(String.join(", ", pairs));
        }
        s.append('\n');
        s.append("Selection:           ").append(selection);
        return s.toString();
    }

    private static String selection(String backendClass, Map<String, List<String>> providers, int omp,
                                    Map<String, String> variables) {
        StringBuilder s = new StringBuilder();
        if (backendClass.contains(".nativecpu.")) {
            s.append("nd4j-native, the CPU backend of the Maven profile 'cpu' (active by default; "
                    + "'mvn -Pcuda' swaps in nd4j-cuda-11.6). ");
        } else if (backendClass.contains(".jcublas.")) {
            s.append("nd4j-cuda, the CUDA backend of the Maven profile 'cuda' ('mvn -Pcuda'). ");
        } else {
            s.append(backendClass).append(", a backend this project's Maven profiles do not provide. ");
        }
        s.append("ND4J loads every backend registered on the classpath and takes the available one with "
                + "the highest priority (CPU ").append(Nd4jBackend.BACKEND_PRIORITY_CPU)
                .append(", CUDA ").append(Nd4jBackend.BACKEND_PRIORITY_GPU);
        if (variables.containsKey(ND4JEnvironmentVars.BACKEND_PRIORITY_CPU)
                || variables.containsKey(ND4JEnvironmentVars.BACKEND_PRIORITY_GPU)) {
            s.append(", changed by the BACKEND_PRIORITY_* variables");
        }
        s.append("); registered here: ");
        if (providers.isEmpty()) {
            s.append("none found");
        } else {
            List<String> found = new ArrayList<>();
            providers.forEach((jar, classes) -> found.add(String.join(", ", classes) + " in " + jar));
            s.append(String.join("; ", found));
        }
        s.append(". ");
        String ompSetting = variables.get(ND4JEnvironmentVars.OMP_NUM_THREADS);
        if (ompSetting == null) {
            s.append("OMP_NUM_THREADS is not set, so ND4J chose ").append(omp).append(" thread(s) from the core count.");
        } else {
            s.append("OMP_NUM_THREADS=").append(ompSetting).append(" set the OpenMP threads (now ").append(omp).append(").");
        }
        return s.toString();
    }

    private static List<String> deviceNames(Properties env) {
        Object info = env.get(Nd4jEnvironment.CUDA_DEVICE_INFORMATION_KEY);
        List<String> names = new ArrayList<>();
        if (info instanceof Collection<?> devices) {
            for (Object device : devices) {
                if (device instanceof Map<?, ?> m && m.get(Nd4jEnvironment.CUDA_DEVICE_NAME_KEY) != null) {
                    names.add(String.valueOf(m.get(Nd4jEnvironment.CUDA_DEVICE_NAME_KEY)));
                }
            }
        }
        return names;
    }

    /** Jar files holding backend or BLAS code, found through their manifests so manifest-only class paths work too. */
    private static List<String> backendJars(ClassLoader loader) {
        TreeSet<String> names = new TreeSet<>();
        for (URL url : resources(loader, "META-INF/MANIFEST.MF")) {
            String jar = jarName(url);
            if (jar != null && BACKEND_JAR.matcher(jar).matches()) {
                names.add(jar);
            }
        }
        return new ArrayList<>(names);
    }

    /** Backend classes registered for ND4J's service loader, by the jar that registers them. */
    private static Map<String, List<String>> providers(ClassLoader loader) {
        Map<String, List<String>> byJar = new LinkedHashMap<>();
        for (URL url : resources(loader, SERVICE_FILE)) {
            List<String> classes = new ArrayList<>();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(url.openStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    int hash = line.indexOf('#');
                    String name = (hash >= 0 ? line.substring(0, hash) : line).trim();
                    if (!name.isEmpty()) {
                        classes.add(name.substring(name.lastIndexOf('.') + 1));
                    }
                }
            } catch (IOException e) {
                classes.add("(unreadable: " + e.getMessage() + ")");
            }
            String jar = jarName(url);
            byJar.computeIfAbsent(jar == null ? url.toString() : jar, k -> new ArrayList<>()).addAll(classes);
        }
        return byJar;
    }

    private static List<URL> resources(ClassLoader loader, String name) {
        try {
            Enumeration<URL> urls = loader.getResources(name);
            return Collections.list(urls);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not list " + name + " on the classpath", e);
        }
    }

    private static String jarName(URL url) {
        String s = url.toString();
        int bang = s.indexOf("!/");
        if (bang < 0) {
            return null;
        }
        String path = s.substring(0, bang);
        return URLDecoder.decode(path.substring(path.lastIndexOf('/') + 1), StandardCharsets.UTF_8);
    }

    private static long number(Object value) {
        if (value instanceof Number n) {
            return n.longValue();
        }
        if (value == null) {
            return 0;
        }
        try {
            return Long.parseLong(value.toString().trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
