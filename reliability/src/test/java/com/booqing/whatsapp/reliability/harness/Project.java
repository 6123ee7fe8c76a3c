package com.booqing.whatsapp.reliability.harness;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the built services are: the Maven project's root (failsafe runs the tests in {@code reliability/}, the
 * project is its parent) and its version, read from the root pom so that no build-time filtering is needed.
 */
public final class Project {
    private static final Pattern VERSION = Pattern.compile(
            "<artifactId>whatsapp-gateway</artifactId>\\s*<version>([^<]+)</version>");

    private Project() {
    }

    /** The project root: {@code -Dreliability.projectDir}, else the first directory upwards holding reliability/pom.xml. */
    public static Path dir() {
        String configured = System.getProperty("reliability.projectDir");
        if (configured != null && !configured.isBlank()) {
            return Paths.get(configured).toAbsolutePath().normalize();
        }
        Path p = Paths.get("").toAbsolutePath();
        for (int i = 0; i < 4 && p != null; i++, p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("reliability").resolve("pom.xml"))
                    && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the project root from " + Paths.get("").toAbsolutePath()
                + "; set -Dreliability.projectDir");
    }

    public static String version() {
        try {
            Matcher m = VERSION.matcher(Files.readString(dir().resolve("pom.xml")));
            if (m.find()) {
                return m.group(1).trim();
            }
            throw new IllegalStateException("no version in " + dir().resolve("pom.xml"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code <module>/target/<module>-<version>.jar:<module>/target/lib/*}, checked to exist. */
    public static String classpath(String module) {
        Path target = dir().resolve(module).resolve("target");
        Path jar = target.resolve(module + "-" + version() + ".jar");
        Path lib = target.resolve("lib");
        if (!Files.isRegularFile(jar) || !Files.isDirectory(lib)) {
            throw new IllegalStateException(module + " is not packaged (" + jar + ", " + lib + "); run"
                    + " mvn -pl reliability -am verify, which packages it first");
        }
        return jar + File.pathSeparator + lib + File.separator + "*";
    }

    /** A fresh directory for one test's logs and state under reliability/target/reliability-runs. */
    public static Path runDir(String name) {
        try {
            Path base = dir().resolve("reliability").resolve("target").resolve("reliability-runs");
            Files.createDirectories(base);
            return Files.createTempDirectory(base, name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
