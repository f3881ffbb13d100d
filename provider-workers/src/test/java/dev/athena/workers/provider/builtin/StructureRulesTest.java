package dev.athena.workers.provider.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.message.Finding;
import java.util.List;
import org.junit.jupiter.api.Test;

class StructureRulesTest {
    private final RuleAnalyser analyser = new RuleAnalyser();

    private static String repeat(String line, int times) {
        return line.repeat(times);
    }

    private static List<String> rules(List<Finding> findings) {
        return findings.stream().map(f -> f.ruleId() + "@" + f.line()).toList();
    }

    @Test
    void shouldMeasureJavaMethods() {
        String code = """
                class A {
                    int small(int a) {
                        return a;
                    }

                    int branchy(int a, int b) {
                        if (a > 0 && b > 0) {
                            for (int i = 0; i < a; i++) {
                                while (b > 0) {
                                    if (i % 2 == 0) {
                                        b--;
                                    }
                                }
                            }
                        } else if (a < 0 || b < 0) {
                            return a > b ? a : b;
                        }
                        try { return 1; } catch (Exception e) { return 2; }
                    }
                }
                """;
        List<FunctionSpan> functions = FunctionScanner.scan(SourceText.of(code, Language.JAVA));
        assertThat(functions).extracting(FunctionSpan::name).containsExactly("small", "branchy");
        FunctionSpan small = functions.get(0);
        assertThat(small.startLine()).isEqualTo(2);
        assertThat(small.endLine()).isEqualTo(4);
        assertThat(small.cyclomatic()).isEqualTo(1);
        FunctionSpan branchy = functions.get(1);
        assertThat(branchy.startLine()).isEqualTo(6);
        assertThat(branchy.endLine()).isEqualTo(19);
        // if, &&, for, while, if, else-if, ||, ?:, catch
        assertThat(branchy.cyclomatic()).isEqualTo(10);
        assertThat(branchy.nesting()).isEqualTo(4);
        assertThat(branchy.nestingLine()).isEqualTo(10);
        assertThat(branchy.parameters()).isEqualTo(2);
    }

    @Test
    void shouldReportDeepNestingAndComplexityForQuality() {
        StringBuilder code = new StringBuilder("def handle(a, b, c, d, e, f):\n");
        code.append("    if a:\n        for x in b:\n            while c:\n                if d:\n                    pass\n");
        for (int i = 0; i < 8; i++) {
            code.append("    if e == ").append(i).append(" or f:\n        pass\n");
        }
        List<Finding> findings = analyser.analyse(AnalysisType.QUALITY, "python", null, code.toString()).findings();
        assertThat(rules(findings)).contains("complex-function@1", "too-many-parameters@1", "deep-nesting@5");
        Finding nesting = findings.stream().filter(f -> f.ruleId().equals("deep-nesting")).findFirst().orElseThrow();
        assertThat(nesting.message()).contains("'handle'").contains("4 deep");
    }

    @Test
    void shouldReportLongFunctionsInEveryLanguage() {
        String body = repeat("    x = x + 1;\n", 60);
        assertThat(rules(analyser.analyse(AnalysisType.QUALITY, "java", null,
                "class A {\n  void run() {\n" + body + "  }\n}\n").findings())).containsExactly("long-function@2");
        assertThat(rules(analyser.analyse(AnalysisType.QUALITY, "javascript", null,
                "function run(x) {\n" + body + "}\n").findings())).containsExactly("long-function@1");
        assertThat(rules(analyser.analyse(AnalysisType.QUALITY, "go", null,
                "package main\n\nfunc run(x int) int {\n" + body + "\treturn x\n}\n").findings()))
                .containsExactly("long-function@3");
        assertThat(rules(analyser.analyse(AnalysisType.QUALITY, "python", null,
                "def run(x):\n" + repeat("    x = x + 1\n", 60) + "    return x\n").findings()))
                .containsExactly("long-function@1");
    }

    @Test
    void shouldNotReportShortSimpleFunctions() {
        assertThat(analyser.analyse(AnalysisType.QUALITY, "javascript", null,
                "const add = (a, b) => {\n  return a + b;\n};\nclass C {\n  get(x) {\n    return x;\n  }\n}\n")
                .findings()).isEmpty();
    }

    @Test
    void shouldGiveCyclomaticEstimatePerFunctionForComplexity() {
        String go = """
                package main

                func a(x int) int {
                \tif x > 0 && x < 10 {
                \t\treturn 1
                \t}
                \treturn 0
                }

                func (s *Server) b(y int) int {
                \tswitch y {
                \tcase 1:
                \t\treturn 1
                \tcase 2:
                \t\treturn 2
                \t}
                \treturn 0
                }
                """;
        RuleAnalyser.Report report = analyser.analyse(AnalysisType.COMPLEXITY, null, "main.go", go);
        assertThat(report.findings()).extracting(Finding::ruleId, Finding::line, Finding::message).containsExactly(
                org.assertj.core.groups.Tuple.tuple("cyclomatic-complexity", 3,
                        "function 'a' has cyclomatic complexity 3 (6 lines, nesting 1)"),
                org.assertj.core.groups.Tuple.tuple("cyclomatic-complexity", 10,
                        "function 'b' has cyclomatic complexity 3 (9 lines, nesting 1)"));
        assertThat(report.summary()).isEqualTo("2 findings (2 functions, highest cyclomatic complexity 3 in 'a')");
    }

    @Test
    void shouldIgnoreBranchKeywordsInStringsAndComments() {
        String js = "function f(x) {\n  // if (a && b) while\n  const s = \"if (x || y) for\";\n  return s;\n}\n";
        List<FunctionSpan> functions = FunctionScanner.scan(SourceText.of(js, Language.JAVASCRIPT));
        assertThat(functions).singleElement().extracting(FunctionSpan::cyclomatic).isEqualTo(1);
    }

    @Test
    void shouldFindEmptyCatchBlocks() {
        assertThat(rules(analyser.analyse(AnalysisType.QUALITY, "java", null,
                "class A {\n  void f() {\n    try { g(); } catch (IOException e) {}\n  }\n}\n").findings()))
                .containsExactly("empty-catch@3");
        assertThat(rules(analyser.analyse(AnalysisType.QUALITY, "python", null,
                "try:\n    g()\nexcept Exception:\n    pass\n").findings())).containsExactly("empty-catch@3");
        assertThat(analyser.analyse(AnalysisType.QUALITY, "python", null,
                "try:\n    g()\nexcept Exception as e:\n    log(e)\n").findings()).isEmpty();
    }

    @Test
    void shouldFindTypeScriptMethodsAndArrowFunctions() {
        String ts = """
                export class Service {
                  async load(id: string): Promise<Item> {
                    if (!id) { throw new Error('x'); }
                    return this.repo.get(id);
                  }
                }
                export const handler = async (req: Request) => {
                  return ok(req);
                };
                """;
        List<FunctionSpan> functions = FunctionScanner.scan(SourceText.of(ts, Language.JAVASCRIPT));
        assertThat(functions).extracting(FunctionSpan::name, FunctionSpan::cyclomatic)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("load", 2),
                        org.assertj.core.groups.Tuple.tuple("handler", 1));
    }
}
