package dev.athena.workers.provider.builtin;

import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.message.Finding;
import dev.athena.workers.provider.spi.ProviderAnswer;
import java.util.Comparator;
import java.util.List;

/**
 * The offline analyser: pure, deterministic and fast (one pass of a small lexer and a set of line rules). The
 * same code, type, language and path always give the same findings, sorted by line.
 */
public final class RuleAnalyser {
    private static final Comparator<Finding> ORDER = Comparator.comparingInt(Finding::line)
            .thenComparing(Finding::ruleId);

    /** The findings and summary for one piece of code. {@code language} and {@code path} may be null. */
    public Report analyse(AnalysisType type, String language, String path, String code) {
        Language lang = Language.detect(language, path, code);
        SourceText src = SourceText.of(code, lang);
        return switch (type) {
            case SECURITY -> counted(SecurityRules.check(src), "");
            case QUALITY -> {
                List<FunctionSpan> functions = FunctionScanner.scan(src);
                yield counted(StructureRules.quality(src, functions), functionsNote(functions));
            }
            case COMPLEXITY -> {
                List<FunctionSpan> functions = FunctionScanner.scan(src);
                yield counted(StructureRules.complexity(functions), functionsNote(functions));
            }
            case EXPLAIN -> {
                Explanation.Summary summary = Explanation.explain(src, FunctionScanner.scan(src), path);
                yield new Report(sorted(summary.findings()), summary.text());
            }
        };
    }

    private static Report counted(List<Finding> findings, String note) {
        return new Report(sorted(findings), ProviderAnswer.countSummary(findings.size()) + note);
    }

    private static String functionsNote(List<FunctionSpan> functions) {
        if (functions.isEmpty()) {
            return " (no functions found)";
        }
        FunctionSpan worst = functions.stream().max(Comparator.comparingInt(FunctionSpan::cyclomatic)).orElseThrow();
        return " (" + functions.size() + " function" + (functions.size() == 1 ? "" : "s")
                + ", highest cyclomatic complexity " + worst.cyclomatic() + " in '" + worst.name() + "')";
    }

    private static List<Finding> sorted(List<Finding> findings) {
        return findings.stream().sorted(ORDER).toList();
    }

    /** What the analyser found. */
    public record Report(List<Finding> findings, String summary) {
        public Report {
            findings = List.copyOf(findings);
        }
    }
}
