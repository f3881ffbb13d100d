package dev.athena.workers.provider.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LanguageTest {
    @Test
    void shouldPreferDeclaredLanguageThenPathThenContent() {
        assertThat(Language.detect("TypeScript", "a.py", "")).isEqualTo(Language.JAVASCRIPT);
        assertThat(Language.detect(null, "src/Main.java", "")).isEqualTo(Language.JAVA);
        assertThat(Language.detect("cobol", "x/y.tsx", "")).isEqualTo(Language.JAVASCRIPT);
        assertThat(Language.detect(null, null, "package main\n\nfunc main() {}\n")).isEqualTo(Language.GO);
        assertThat(Language.detect(null, null, "def f(x):\n    return x\n")).isEqualTo(Language.PYTHON);
        assertThat(Language.detect(null, null, "public class A { int x; }\n")).isEqualTo(Language.JAVA);
        assertThat(Language.detect(null, null, "const x = require('fs');\n")).isEqualTo(Language.JAVASCRIPT);
        assertThat(Language.detect(null, "README", "hello world")).isEqualTo(Language.UNKNOWN);
    }

    @Test
    void shouldBlankCommentsAndStringContentsKeepingColumns() {
        SourceText src = SourceText.of("x = \"a#b\"  # note\ny = '''doc\nstill'''\n", Language.PYTHON);
        assertThat(src.code(1)).isEqualTo("x = \"a#b\"        ");
        assertThat(src.masked(1)).isEqualTo("x = \"   \"        ");
        assertThat(src.masked(3)).isEqualTo("     '''");
        SourceText js = SourceText.of("a /* if */ = `x\n${y}` // z\n", Language.JAVASCRIPT);
        assertThat(js.masked(1)).isEqualTo("a          = ` ");
        assertThat(js.masked(2)).isEqualTo("    `     ");
        assertThat(js.lineCount()).isEqualTo(2);
    }
}
