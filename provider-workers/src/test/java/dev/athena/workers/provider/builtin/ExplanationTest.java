package dev.athena.workers.provider.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.message.Finding;
import dev.athena.schemas.message.Severity;
import org.junit.jupiter.api.Test;

class ExplanationTest {
    private final RuleAnalyser analyser = new RuleAnalyser();

    @Test
    void shouldSummariseStructureOfPythonFile() {
        String code = "import os\nfrom db import conn\n\n# helpers\nclass Repo:\n    def find(self, u):\n"
                + "        return conn.get(u)\n\ndef main():\n    Repo().find('x')\n";
        RuleAnalyser.Report report = analyser.analyse(AnalysisType.EXPLAIN, null, "app/repo.py", code);
        assertThat(report.summary()).isEqualTo("Python file app/repo.py: 10 lines (7 code, 1 comment, 2 blank), "
                + "2 functions, 1 type, 2 imports.");
        assertThat(report.findings()).allMatch(f -> f.severity() == Severity.INFO);
        assertThat(report.findings()).extracting(Finding::ruleId, Finding::line).containsExactly(
                org.assertj.core.groups.Tuple.tuple("explain-imports", 1),
                org.assertj.core.groups.Tuple.tuple("explain-type", 5),
                org.assertj.core.groups.Tuple.tuple("explain-function", 6),
                org.assertj.core.groups.Tuple.tuple("explain-function", 9));
        assertThat(report.findings().getFirst().message()).isEqualTo("2 imports: os, db");
        assertThat(report.findings().get(2).message())
                .isEqualTo("function 'find' (lines 6-7, 1 parameter, cyclomatic complexity 1)");
    }

    @Test
    void shouldSummariseGoAndJavaImportsAndTypes() {
        String go = "package main\n\nimport (\n\t\"fmt\"\n\t\"os\"\n)\n\ntype Server struct {\n}\n\n"
                + "func main() {\n\tfmt.Println(os.Args)\n}\n";
        RuleAnalyser.Report report = analyser.analyse(AnalysisType.EXPLAIN, "go", null, go);
        assertThat(report.summary()).startsWith("Go code: 13 lines").contains("1 function, 1 type, 2 imports");
        String java = "import java.util.List;\n\npublic record Point(int x, int y) {\n}\n";
        assertThat(analyser.analyse(AnalysisType.EXPLAIN, "java", null, java).findings())
                .extracting(Finding::message).containsExactly("1 import: java.util.List", "record Point");
    }
}
