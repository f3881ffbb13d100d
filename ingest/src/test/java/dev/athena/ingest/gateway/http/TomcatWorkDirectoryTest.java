package dev.athena.ingest.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TomcatWorkDirectoryTest {
    @TempDir
    Path tmp;

    @Test
    void shouldDeleteWhatGatewaysWhoseProcessEndedLeftBehindAndNothingElse() throws Exception {
        Process ended = new ProcessBuilder("true").start();
        ended.waitFor();
        Path leftBehind = tmp.resolve(TomcatWorkDirectory.PREFIX + ended.pid() + "-123");
        Files.createDirectories(leftBehind.resolve("work/Tomcat/localhost"));
        Files.writeString(leftBehind.resolve("work/Tomcat/localhost/session.ser"), "x");
        Path live = Files.createDirectories(tmp.resolve(TomcatWorkDirectory.PREFIX + ProcessHandle.current().pid()
                + "-456"));
        Path olderName = Files.createDirectories(tmp.resolve(TomcatWorkDirectory.PREFIX + "7350123"));
        Path unrelated = Files.createDirectories(tmp.resolve("tomcat.8080.1"));

        Path made;
        try (TomcatWorkDirectory directory = TomcatWorkDirectory.create(tmp)) {
            made = directory.path();

            assertThat(leftBehind).as("its process has ended").doesNotExist();
            assertThat(live).as("another gateway of a running process").isDirectory();
            assertThat(olderName).as("no process id in its name").isDirectory();
            assertThat(unrelated).isDirectory();
            assertThat(made.getParent()).isEqualTo(tmp);
            assertThat(made.getFileName().toString()).startsWith(TomcatWorkDirectory.PREFIX
                    + ProcessHandle.current().pid() + "-");
        }
        assertThat(made).as("closing deletes its own").doesNotExist();
    }
}
