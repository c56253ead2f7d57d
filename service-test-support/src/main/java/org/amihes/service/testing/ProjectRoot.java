package org.amihes.service.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** The project's root (where ./hes is), for tests that run the project's scripts: a test runs in its module's directory. */
public final class ProjectRoot {

    private ProjectRoot() {
    }

    public static Path path() {
        Path dir = Path.of(System.getProperty("hes.project.root", System.getProperty("user.dir"))).toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("hes")) && Files.isRegularFile(d.resolve("pom.xml"))) {
                return d;
            }
        }
        throw new IllegalStateException("no project root (a directory with ./hes) above " + dir);
    }
}
