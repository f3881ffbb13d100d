package dev.athena.ingest.scan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.ingest.scan.GitIgnore.Verdict;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Patterns as gitignore(5) describes them, each checked on paths it must and must not match. */
class GitIgnoreTest {
    private static Verdict file(String pattern, String path) {
        return GitIgnore.parse(List.of(pattern)).match(path, false);
    }

    private static Verdict dir(String pattern, String path) {
        return GitIgnore.parse(List.of(pattern)).match(path, true);
    }

    @Test
    void shouldMatchANameWithoutSlashAtAnyDepth() {
        assertThat(file("*.log", "debug.log")).isEqualTo(Verdict.IGNORED);
        assertThat(file("*.log", "a/b/debug.log")).isEqualTo(Verdict.IGNORED);
        assertThat(file("*.log", "debug.log.txt")).isEqualTo(Verdict.NONE);
        assertThat(dir("build", "sub/build")).isEqualTo(Verdict.IGNORED);
        assertThat(file("build", "builder")).isEqualTo(Verdict.NONE);
    }

    @Test
    void shouldAnchorAPatternWithASlashAtItsStartOrMiddle() {
        assertThat(dir("/dist", "dist")).isEqualTo(Verdict.IGNORED);
        assertThat(dir("/dist", "web/dist")).isEqualTo(Verdict.NONE);
        assertThat(file("doc/*.txt", "doc/notes.txt")).isEqualTo(Verdict.IGNORED);
        assertThat(file("doc/*.txt", "doc/server/arch.txt")).as("* stops at /").isEqualTo(Verdict.NONE);
        assertThat(file("doc/*.txt", "x/doc/notes.txt")).isEqualTo(Verdict.NONE);
    }

    @Test
    void shouldMatchOnlyDirectoriesWithATrailingSlash() {
        assertThat(dir("out/", "out")).isEqualTo(Verdict.IGNORED);
        assertThat(dir("out/", "a/out")).isEqualTo(Verdict.IGNORED);
        assertThat(file("out/", "out")).isEqualTo(Verdict.NONE);
    }

    @Test
    void shouldReadDoubleStarsAsAnyNumberOfDirectories() {
        assertThat(file("**/cache.py", "cache.py")).isEqualTo(Verdict.IGNORED);
        assertThat(file("**/cache.py", "a/b/cache.py")).isEqualTo(Verdict.IGNORED);
        assertThat(file("gen/**", "gen/a/b.py")).isEqualTo(Verdict.IGNORED);
        assertThat(dir("gen/**", "gen")).as("the directory itself is not inside it").isEqualTo(Verdict.NONE);
        assertThat(file("a/**/b.py", "a/b.py")).isEqualTo(Verdict.IGNORED);
        assertThat(file("a/**/b.py", "a/x/y/b.py")).isEqualTo(Verdict.IGNORED);
        assertThat(file("a/**/b.py", "c/a/x/b.py")).isEqualTo(Verdict.NONE);
        assertThat(file("x**y.py", "xay.py")).as("** inside a name is a plain star").isEqualTo(Verdict.IGNORED);
        assertThat(file("x**y.py", "xa/y.py")).isEqualTo(Verdict.NONE);
    }

    @Test
    void shouldMatchQuestionMarksAndClassesWithinOneName() {
        assertThat(file("file?.py", "file1.py")).isEqualTo(Verdict.IGNORED);
        assertThat(file("file?.py", "file10.py")).isEqualTo(Verdict.NONE);
        assertThat(file("v[0-9].py", "v7.py")).isEqualTo(Verdict.IGNORED);
        assertThat(file("v[0-9].py", "vx.py")).isEqualTo(Verdict.NONE);
        assertThat(file("v[!0-9].py", "vx.py")).isEqualTo(Verdict.IGNORED);
        assertThat(file("v[!0-9].py", "v7.py")).isEqualTo(Verdict.NONE);
        assertThat(file("a[!x]b", "a/b")).as("a class never matches /").isEqualTo(Verdict.NONE);
        assertThat(file("[]x].py", "].py")).as("] first in a class is a member").isEqualTo(Verdict.IGNORED);
        assertThat(file("lone[.py", "lone[.py")).as("an unclosed [ is literal").isEqualTo(Verdict.IGNORED);
    }

    @Test
    void shouldLetTheLastMatchingRuleDecideAndNegationKeep() {
        GitIgnore rules = GitIgnore.parse(List.of("*.log", "!keep.log", "keep.log.*"));
        assertThat(rules.match("app.log", false)).isEqualTo(Verdict.IGNORED);
        assertThat(rules.match("logs/keep.log", false)).isEqualTo(Verdict.KEPT);
        assertThat(rules.match("keep.log.1", false)).isEqualTo(Verdict.IGNORED);
        assertThat(rules.match("main.py", false)).isEqualTo(Verdict.NONE);
    }

    @Test
    void shouldSkipCommentsAndBlanksAndHonourEscapesAndTrailingSpaces() {
        GitIgnore rules = GitIgnore.parse(List.of("# a comment", "", "   ", "\\#hash.py", "\\!bang.py", "trail.py   ",
                "space.py\\ "));
        assertThat(rules.match("# a comment", false)).isEqualTo(Verdict.NONE);
        assertThat(rules.match("#hash.py", false)).isEqualTo(Verdict.IGNORED);
        assertThat(rules.match("!bang.py", false)).isEqualTo(Verdict.IGNORED);
        assertThat(rules.match("trail.py", false)).isEqualTo(Verdict.IGNORED);
        assertThat(rules.match("space.py ", false)).isEqualTo(Verdict.IGNORED);
        assertThat(rules.match("space.py", false)).isEqualTo(Verdict.NONE);
        assertThat(GitIgnore.parse(List.of("# only", "")).isEmpty()).isTrue();
    }

    @Test
    void shouldQuoteRegexCharactersOfNames() {
        assertThat(file("a+b(1).py", "a+b(1).py")).isEqualTo(Verdict.IGNORED);
        assertThat(file("a.py", "axpy")).isEqualTo(Verdict.NONE);
    }
}
