package dev.athena.ingest.scan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.ingest.scan.ScanReport.SkippedFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepositoryWalkerTest {
    @TempDir
    Path root;

    private void write(String rel, String text) throws IOException {
        write(rel, text.getBytes(StandardCharsets.UTF_8));
    }

    private void write(String rel, byte[] bytes) throws IOException {
        Path file = root.resolve(rel);
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
    }

    @Test
    void shouldListTextFilesByRelativePathInOrderWithHashAndLanguage() throws IOException {
        write("src/b.py", "print(1)\n");
        write("a.java", "class A {}\n");

        var walk = new RepositoryWalker(List.of("**"), List.of(), RepositoryWalker.MAX_BYTES).walk(root);

        assertThat(walk.files()).extracting(SourceFile::path).containsExactly("a.java", "src/b.py");
        SourceFile py = walk.files().get(1);
        assertThat(py.language()).isEqualTo("python");
        assertThat(py.location()).isEqualTo(root.resolve("src/b.py"));
        assertThat(py.sha256()).isEqualTo(RepositoryWalker.sha256("print(1)\n".getBytes(StandardCharsets.UTF_8)))
                .hasSize(64);
        assertThat(walk.skipped()).isEmpty();
    }

    /** A scan sends each changed file as it is when sent, read under the walk's rules, with a digest of that. */
    @Test
    void shouldReadAWalkedFileAgainAsItIsNowOrSayWhyItCannot() throws IOException {
        write("a.py", "print(1)\n");
        write("b.py", "print(2)\n");
        write("c.py", "print(3)\n");
        var walker = new RepositoryWalker(List.of("**"), List.of(), 64);
        List<SourceFile> files = walker.walk(root).files();

        RepositoryWalker.Text same = walker.reread(files.get(0));
        assertThat(same.code()).isEqualTo("print(1)\n");
        assertThat(same.sha256()).isEqualTo(files.get(0).sha256());

        write("b.py", "print(22)\n");
        RepositoryWalker.Text changed = walker.reread(files.get(1));
        assertThat(changed.code()).isEqualTo("print(22)\n");
        assertThat(changed.sha256()).isEqualTo(RepositoryWalker.sha256("print(22)\n".getBytes(StandardCharsets.UTF_8)))
                .isNotEqualTo(files.get(1).sha256());

        Files.delete(root.resolve("c.py"));
        assertThat(walker.reread(files.get(2)).skipReason()).isEqualTo("unreadable: NoSuchFileException");
        write("a.py", "x".repeat(65));
        assertThat(walker.reread(files.get(0)).skipReason()).isEqualTo("oversize: 65 bytes > 64");
        write("a.py", new byte[] {'a', 0, 'b'});
        assertThat(walker.reread(files.get(0)).skipReason()).isEqualTo("binary");
    }

    /**
     * A checkout between the walk and the send may put a link where a walked file was, to a file outside the
     * repository (a credentials file, say), as the file itself or as a directory on its path: never followed.
     */
    @Test
    void shouldNeverFollowALinkThatReplacedAWalkedFile(@TempDir Path outside) throws IOException {
        write("app.py", "print(1)\n");
        write("lib/util.py", "print(2)\n");
        Files.writeString(outside.resolve("credentials"), "AWS_SECRET=hunter2\n");
        Files.createDirectories(outside.resolve("lib"));
        Files.writeString(outside.resolve("lib/util.py"), "AWS_SECRET=hunter2\n");
        var walker = new RepositoryWalker(List.of("**"), List.of(), RepositoryWalker.MAX_BYTES);
        List<SourceFile> files = walker.walk(root).files();

        Files.delete(root.resolve("app.py"));
        Files.createSymbolicLink(root.resolve("app.py"), outside.resolve("credentials"));
        Files.delete(root.resolve("lib/util.py"));
        Files.delete(root.resolve("lib"));
        Files.createSymbolicLink(root.resolve("lib"), outside.resolve("lib"));

        RepositoryWalker.Text file = walker.reread(files.get(0));
        assertThat(file.skipReason()).isEqualTo("symbolic link");
        assertThat(file.code()).isNull();
        RepositoryWalker.Text viaDirectory = walker.reread(files.get(1));
        assertThat(viaDirectory.skipReason()).startsWith("outside the repository");
        assertThat(viaDirectory.code()).isNull();
    }

    @Test
    void shouldHonourIncludeAndExcludeGlobsIncludingAtTheRoot() throws IOException {
        write("app.py", "x = 1\n");
        write("pkg/mod.py", "y = 2\n");
        write("pkg/tests/test_mod.py", "z = 3\n");
        write("README.md", "# hi\n");
        write("node_modules/lib/index.py", "w = 4\n");

        var walk = new RepositoryWalker(List.of("**/*.py"), List.of("**/tests/**", "**/node_modules/**"),
                RepositoryWalker.MAX_BYTES).walk(root);

        assertThat(walk.files()).extracting(SourceFile::path).containsExactly("app.py", "pkg/mod.py");
        assertThat(walk.skipped()).as("excluded files are not skipped files, they are simply not ours").isEmpty();
    }

    @Test
    void shouldLeaveOutWhatTheRepositorysGitIgnoreFilesIgnoreAsGitDoes() throws IOException {
        write(".gitignore", "# build output\n/dist/\n*.log\n.venv\ngenerated/**\n!important.log\n");
        write(".git/info/exclude", "local-notes.md\n");
        write("dist/bundle.js", "var a = 1;\n");
        write("web/dist/page.js", "var b = 2;\n");
        write("app.log", "started\n");
        write("important.log", "kept\n");
        write(".venv/lib/site.py", "import os\n");
        write("generated/api/client.py", "pass\n");
        write("local-notes.md", "reminders\n");
        write("src/main.py", "print(1)\n");
        write("src/.gitignore", "*.tmp.py\n!app.log\n");
        write("src/scratch.tmp.py", "x = 1\n");
        write("src/app.log", "a deeper file may keep what a higher one ignores\n");
        write("src/vendor/.gitignore", "*\n!.gitignore\n");
        write("src/vendor/lib.py", "import sys\n");

        var walk = new RepositoryWalker(List.of("**"), List.of(".git/**"), RepositoryWalker.MAX_BYTES).walk(root);

        assertThat(walk.files()).extracting(SourceFile::path).containsExactly(".gitignore", "important.log",
                "src/.gitignore", "src/app.log", "src/main.py", "src/vendor/.gitignore", "web/dist/page.js");
        assertThat(walk.skipped()).as("ignored files are not walked, so not reported").isEmpty();
        // dist/, app.log, .venv/, generated/, local-notes.md, src/scratch.tmp.py, src/vendor/lib.py
        assertThat(walk.ignored()).as("but counted").isEqualTo(7);
    }

    /** A part of a monorepo is scanned under the repository's own rules, from its top .gitignore down. */
    @Test
    void shouldHonourTheGitIgnoreFilesAboveAScannedFolderInsideARepository() throws IOException {
        Files.createDirectories(root.resolve(".git/info"));
        write(".git/info/exclude", "services/api/notes.py\n");
        write(".gitignore", "*.gen.py\n/services/api/build/\n");
        write("services/.gitignore", "fixtures/\n");
        write("services/api/main.py", "print(1)\n");
        write("services/api/models.gen.py", "x = 1\n");
        write("services/api/build/out.py", "x = 2\n");
        write("services/api/notes.py", "x = 3\n");
        write("services/api/tests/fixtures/big.py", "x = 4\n");
        write("services/api/build.py", "x = 5\n");

        var walk = new RepositoryWalker(List.of("**"), List.of(), RepositoryWalker.MAX_BYTES)
                .walk(root.resolve("services/api"));

        assertThat(walk.files()).extracting(SourceFile::path).containsExactly("build.py", "main.py");
    }

    @Test
    void shouldWalkIgnoredFilesTooWhenAScanTurnsGitIgnoreOff() throws IOException {
        write(".gitignore", "*.log\ndist/\n");
        write("app.log", "started\n");
        write("dist/bundle.js", "var a = 1;\n");
        ScanSettings settings = ScanSettings.of(root, "team-a", "127.0.0.1:9092", "jdbc:postgresql://x/y", "u", "p");

        assertThat(RepositoryWalker.of(settings).walk(root).files()).extracting(SourceFile::path)
                .containsExactly(".gitignore");
        var all = RepositoryWalker.of(settings.withGitIgnore(false)).walk(root);
        assertThat(all.files()).extracting(SourceFile::path).containsExactly(".gitignore", "app.log", "dist/bundle.js");
        assertThat(all.ignored()).isZero();
    }

    @Test
    void shouldSkipBinaryOversizeNonUtf8AndEmptyFilesWithTheirReasons() throws IOException {
        write("ok.txt", "fine\n");
        write("logo.png", new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 1});
        write("big.sql", "x".repeat(RepositoryWalker.MAX_BYTES + 1));
        write("latin1.txt", new byte[] {'c', 'a', 'f', (byte) 0xE9});
        write("empty.py", new byte[0]);

        var walk = new RepositoryWalker(List.of("**"), List.of(), RepositoryWalker.MAX_BYTES).walk(root);

        assertThat(walk.files()).extracting(SourceFile::path).containsExactly("ok.txt");
        assertThat(walk.skipped()).containsExactly(
                new SkippedFile("big.sql", "oversize: 262145 bytes > 262144"),
                new SkippedFile("empty.py", "empty"),
                new SkippedFile("latin1.txt", "not UTF-8"),
                new SkippedFile("logo.png", "binary"));
    }

    @Test
    void shouldAcceptAFileOfExactlyTheLimit() throws IOException {
        write("limit.txt", "y".repeat(RepositoryWalker.MAX_BYTES));

        var walk = new RepositoryWalker(List.of("**"), List.of(), RepositoryWalker.MAX_BYTES).walk(root);

        assertThat(walk.files()).extracting(SourceFile::path).containsExactly("limit.txt");
    }

    @Test
    void shouldNeverScanItsOwnReportsInsideTheRepository() throws IOException {
        write("main.go", "package main\n");
        write("reports/scan-1/summary.md", "# old report\n");
        ScanSettings settings = ScanSettings.of(root, "team-a", "127.0.0.1:9092", "jdbc:postgresql://x/y", "u", "p")
                .withReportDir(root.resolve("reports"));

        var walk = RepositoryWalker.of(settings).walk(root);

        assertThat(walk.files()).extracting(SourceFile::path).containsExactly("main.go");
    }
}
