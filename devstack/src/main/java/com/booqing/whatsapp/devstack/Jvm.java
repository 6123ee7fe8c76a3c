package com.booqing.whatsapp.devstack;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/** What a child JVM needs from this one: the same {@code java} binary and devstack's runtime class path. */
final class Jvm {
    static final String RUNTIME_CLASSPATH = "devstack/runtime.classpath";

    private Jvm() {
    }

    static String javaBinary() {
        Path home = Paths.get(System.getProperty("java.home"), "bin", "java");
        if (Files.isExecutable(home)) {
            return home.toString();
        }
        return ProcessHandle.current().info().command().orElse("java");
    }

    /**
     * devstack's own classes plus its runtime dependencies, as written down at build time. When that list is
     * missing or stale, this JVM's class path, with manifest-only jars (surefire's) opened up.
     */
    static String devstackClasspath() {
        Set<String> entries = new LinkedHashSet<>();
        entries.add(ownLocation());
        List<String> recorded = recordedRuntimeClasspath();
        recorded.stream().filter(e -> Files.exists(Paths.get(e))).forEach(entries::add);
        if (recorded.isEmpty() || entries.size() < recorded.size() + 1) {
            // e.g. a reactor build recorded common/target/*.jar and "mvn clean" removed it since
            entries.addAll(expand(System.getProperty("java.class.path", "")));
        }
        return String.join(File.pathSeparator, entries);
    }

    static String version() {
        try (InputStream in = Jvm.class.getClassLoader().getResourceAsStream("devstack/build.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version", "");
                if (!v.isBlank() && !v.contains("${")) {
                    return v;
                }
            }
        } catch (IOException ignored) {
            // fall through to the default
        }
        return "0.1.0-SNAPSHOT";
    }

    /** Where devstack's classes were loaded from: its jar, or target/classes when run from the build. */
    static Path ownCodeSource() {
        try {
            return Paths.get(Jvm.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("cannot tell where devstack's classes come from", e);
        }
    }

    private static String ownLocation() {
        return ownCodeSource().toString();
    }

    private static List<String> recordedRuntimeClasspath() {
        try (InputStream in = Jvm.class.getClassLoader().getResourceAsStream(RUNTIME_CLASSPATH)) {
            if (in == null) {
                return List.of();
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            List<String> out = new ArrayList<>();
            for (String e : text.split(File.pathSeparator)) {
                if (!e.isBlank()) {
                    out.add(e.trim());
                }
            }
            return out;
        } catch (IOException e) {
            return List.of();
        }
    }

    private static List<String> expand(String classpath) {
        List<String> out = new ArrayList<>();
        for (String e : classpath.split(File.pathSeparator)) {
            if (e.isBlank()) {
                continue;
            }
            out.add(e);
            Path p = Paths.get(e);
            if (e.endsWith(".jar") && Files.isRegularFile(p)) {
                out.addAll(manifestClassPath(p));
            }
        }
        return out;
    }

    private static List<String> manifestClassPath(Path jar) {
        try (JarFile j = new JarFile(jar.toFile())) {
            Manifest m = j.getManifest();
            String cp = m == null ? null : m.getMainAttributes().getValue("Class-Path");
            if (cp == null || cp.isBlank()) {
                return List.of();
            }
            List<String> out = new ArrayList<>();
            for (String ref : cp.trim().split("\\s+")) {
                try {
                    java.net.URI u = jar.toUri().resolve(ref);
                    out.add(Paths.get(u).toString());
                } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException ignored) {
                    // not a file reference
                }
            }
            return out;
        } catch (IOException e) {
            return List.of();
        }
    }
}
