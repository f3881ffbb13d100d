package dev.athena.workers.provider.builtin;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds functions in the masked view of a source file and measures them. Brace languages: a declaration line,
 * then the first '{' within a few lines (a ';' first means a declaration without a body), then braces to the
 * matching '}'. Python: a {@code def} and every following line indented deeper. Nested functions are reported
 * on their own as well as inside their parent.
 */
final class FunctionScanner {
    private static final int SIGNATURE_LINES = 4;
    private static final Set<String> NOT_NAMES = Set.of("if", "for", "while", "switch", "catch", "return", "new",
            "else", "throw", "try", "do", "synchronized", "function", "case", "typeof", "await", "yield", "super",
            "this", "import", "when", "with", "elif", "assert", "delete", "void", "instanceof", "in", "of");

    /** Words that may stand where a Java return type would, in lines that are not declarations. */
    private static final Set<String> NOT_TYPES = Set.of("class", "record", "interface", "enum", "package", "goto",
            "assert", "break", "continue", "return", "new", "else", "throw", "case", "yield", "import", "extends",
            "implements", "throws");

    private static final Pattern JAVA_METHOD = Pattern.compile(
            "^\\s*(?:@\\w+(?:\\([^)]*\\))?\\s+)*(?:(?:public|protected|private|static|final|abstract|synchronized|native|default|strictfp)\\s+)*"
                    + "(?:<[^>]*>\\s+)?([\\w.$\\[\\]<>?,]+(?:<[^()]*>)?(?:\\[\\])*)\\s+(\\w+)\\s*\\(");
    private static final Pattern JAVA_CONSTRUCTOR = Pattern.compile(
            "^\\s*(?:public|protected|private)\\s+([A-Z]\\w*)\\s*\\(");
    private static final Pattern JS_FUNCTION = Pattern.compile(
            "(?:^|[^\\w.$])(?:async\\s+)?function\\s*\\*?\\s*([\\w$]*)\\s*\\(");
    private static final Pattern JS_ARROW = Pattern.compile(
            "(?:const|let|var)\\s+([\\w$]+)\\s*(?::[^=]+)?=\\s*(?:async\\s+)?(?:\\([^)]*\\)|[\\w$]+)\\s*(?::[^=]+)?=>\\s*\\{");
    private static final Pattern JS_PROPERTY_FUNCTION = Pattern.compile(
            "^\\s*([\\w$]+)\\s*:\\s*(?:async\\s+)?(?:function\\b|\\([^)]*\\)\\s*=>\\s*\\{)");
    private static final Pattern JS_METHOD = Pattern.compile(
            "^\\s*(?:(?:static|async|get|set|public|private|protected|readonly|override)\\s+)*\\*?([\\w$]+)\\s*\\([^;]*\\)\\s*(?::\\s*[^{;=]+)?\\{");
    private static final Pattern GO_FUNC = Pattern.compile(
            "^func\\s+(?:\\([^)]*\\)\\s*)?(\\w+)\\s*(?:\\[[^\\]]*\\])?\\s*\\(");
    private static final Pattern PYTHON_DEF = Pattern.compile("^(\\s*)(?:async\\s+)?def\\s+(\\w+)\\s*\\(");

    private static final Pattern C_BRANCHES = Pattern.compile(
            "\\b(?:if|for|while|case|catch)\\b|&&|\\|\\||\\?\\?|\\s\\?\\s");
    private static final Pattern PYTHON_BRANCHES = Pattern.compile(
            "\\b(?:if|elif|for|while|except|and|or|case)\\b");

    private FunctionScanner() {
    }

    static List<FunctionSpan> scan(SourceText src) {
        return src.language() == Language.PYTHON ? scanPython(src) : scanBraces(src);
    }

    private static List<FunctionSpan> scanBraces(SourceText src) {
        List<FunctionSpan> out = new ArrayList<>();
        for (int line = 1; line <= src.lineCount(); line++) {
            Matcher m = declaration(src.language(), src.masked(line));
            if (m == null) {
                continue;
            }
            String name = m.group(m.groupCount()).isEmpty() ? "(anonymous)" : m.group(m.groupCount());
            int paren = src.masked(line).indexOf('(', m.end(m.groupCount()));
            int arrow = src.masked(line).indexOf("=>", m.end(m.groupCount()));
            if (arrow >= 0 && (paren < 0 || paren > arrow)) {
                paren = -1; // x => { ... }: one parameter, no list
            }
            FunctionSpan span = braceBody(src, line, paren, m.end(m.groupCount()), name);
            if (span != null) {
                out.add(span);
            }
        }
        return out;
    }

    /** The declaration matched on this line, or null. The last group is the function's name. */
    private static Matcher declaration(Language language, String line) {
        List<Pattern> candidates = switch (language) {
            case JAVA -> List.of(JAVA_CONSTRUCTOR, JAVA_METHOD);
            case GO -> List.of(GO_FUNC);
            case JAVASCRIPT -> List.of(JS_ARROW, JS_PROPERTY_FUNCTION, JS_FUNCTION, JS_METHOD);
            default -> List.of(JAVA_CONSTRUCTOR, JAVA_METHOD, GO_FUNC, JS_ARROW, JS_FUNCTION, JS_METHOD);
        };
        for (Pattern p : candidates) {
            Matcher m = p.matcher(line);
            if (m.find() && plausible(p, m)) {
                return m;
            }
        }
        return null;
    }

    private static boolean plausible(Pattern p, Matcher m) {
        String name = m.group(m.groupCount());
        if (NOT_NAMES.contains(name)) {
            return false;
        }
        if (p == JAVA_METHOD) {
            String type = m.group(1);
            return !NOT_TYPES.contains(type);
        }
        return true;
    }

    /**
     * From the '(' of a declaration: skip the parameter list, expect '{' before any ';' within a few lines,
     * then follow braces to the end of the body.
     */
    private static FunctionSpan braceBody(SourceText src, int startLine, int parenColumn, int nameEnd,
            String name) {
        String text = src.maskedRange(startLine, src.lineCount());
        int limit = nthLineEnd(text, SIGNATURE_LINES);
        int parenEnd;
        int parameters;
        if (parenColumn < 0) {
            parenEnd = nameEnd;
            parameters = 1;
        } else {
            parenEnd = matching(text, parenColumn, '(', ')');
            if (parenEnd < 0 || parenEnd > limit) {
                return null;
            }
            parameters = countParameters(text.substring(parenColumn + 1, parenEnd));
        }
        int open = -1;
        for (int k = parenEnd + 1; k < text.length() && k <= limit; k++) {
            char c = text.charAt(k);
            if (c == ';' || c == '}') {
                return null;
            }
            if (c == '{') {
                open = k;
                break;
            }
        }
        if (open < 0) {
            return null;
        }
        int depth = 0;
        int maxDepth = 0;
        int maxAt = open;
        int end = -1;
        for (int k = open; k < text.length(); k++) {
            char c = text.charAt(k);
            if (c == '{') {
                depth++;
                if (depth > maxDepth) {
                    maxDepth = depth;
                    maxAt = k;
                }
            } else if (c == '}') {
                depth--;
                if (depth == 0) {
                    end = k;
                    break;
                }
            }
        }
        if (end < 0) {
            end = text.length() - 1; // unbalanced: the body runs to the end of the file
        }
        String body = text.substring(open, end + 1);
        int endLine = startLine + countNewlines(text, 0, end);
        int nestingLine = startLine + countNewlines(text, 0, maxAt);
        return new FunctionSpan(name, startLine, endLine, parameters, 1 + count(C_BRANCHES, body), maxDepth - 1,
                nestingLine);
    }

    private static List<FunctionSpan> scanPython(SourceText src) {
        List<FunctionSpan> out = new ArrayList<>();
        for (int line = 1; line <= src.lineCount(); line++) {
            Matcher m = PYTHON_DEF.matcher(src.masked(line));
            if (!m.find()) {
                continue;
            }
            int indent = m.group(1).length();
            String text = src.maskedRange(line, src.lineCount());
            int parenEnd = matching(text, m.end() - 1, '(', ')');
            if (parenEnd < 0) {
                continue;
            }
            int parameters = countPythonParameters(text.substring(m.end(), parenEnd));
            int signatureEnd = line + countNewlines(text, 0, parenEnd);
            FunctionSpan span = pythonBody(src, m.group(2), line, signatureEnd, indent, parameters);
            String body = text.substring(parenEnd + 1, Math.min(text.length(),
                    nthLineEnd(text, span.endLine() - line + 1)));
            out.add(new FunctionSpan(span.name(), span.startLine(), span.endLine(), parameters,
                    1 + count(PYTHON_BRANCHES, body), span.nesting(), span.nestingLine()));
        }
        return out;
    }

    private static FunctionSpan pythonBody(SourceText src, String name, int start, int signatureEnd, int indent,
            int parameters) {
        int end = signatureEnd;
        int parenDepth = 0;
        List<Integer> stack = new ArrayList<>();
        int maxNesting = 0;
        int nestingLine = start;
        int previous = signatureEnd;
        for (int line = signatureEnd + 1; line <= src.lineCount(); line++) {
            String masked = src.masked(line);
            if (masked.isBlank()) {
                continue;
            }
            int lineIndent = indentOf(masked);
            if (parenDepth == 0) {
                if (lineIndent <= indent) {
                    break;
                }
                while (!stack.isEmpty() && stack.getLast() >= lineIndent) {
                    stack.removeLast();
                }
                stack.add(lineIndent);
                if (stack.size() - 1 > maxNesting) {
                    maxNesting = stack.size() - 1;
                    nestingLine = previous; // the header that opened the block, like the '{' line in braces
                }
            }
            parenDepth = Math.max(0, parenDepth + balance(masked));
            end = line;
            previous = parenDepth == 0 ? line : previous;
        }
        return new FunctionSpan(name, start, end, parameters, 1, maxNesting, nestingLine);
    }

    private static int indentOf(String line) {
        int n = 0;
        while (n < line.length() && (line.charAt(n) == ' ' || line.charAt(n) == '\t')) {
            n += line.charAt(n) == '\t' ? 8 - (n % 8) : 1;
        }
        return n;
    }

    private static int balance(String line) {
        int b = 0;
        for (int k = 0; k < line.length(); k++) {
            char c = line.charAt(k);
            if (c == '(' || c == '[' || c == '{') {
                b++;
            } else if (c == ')' || c == ']' || c == '}') {
                b--;
            }
        }
        return b;
    }

    static int matching(String text, int openAt, char open, char close) {
        int depth = 0;
        for (int k = openAt; k < text.length(); k++) {
            char c = text.charAt(k);
            if (c == open) {
                depth++;
            } else if (c == close && --depth == 0) {
                return k;
            }
        }
        return -1;
    }

    private static int countParameters(String list) {
        String trimmed = list.strip();
        if (trimmed.isEmpty()) {
            return 0;
        }
        int depth = 0;
        int commas = 0;
        for (int k = 0; k < trimmed.length(); k++) {
            char c = trimmed.charAt(k);
            if (c == '(' || c == '<' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == '>' || c == ']' || c == '}') {
                depth--;
            } else if (c == ',' && depth == 0) {
                commas++;
            }
        }
        return trimmed.endsWith(",") ? commas : commas + 1;
    }

    private static int countPythonParameters(String list) {
        int n = countParameters(list);
        String first = list.strip();
        return first.startsWith("self") || first.startsWith("cls") ? Math.max(0, n - 1) : n;
    }

    private static int nthLineEnd(String text, int lines) {
        int at = -1;
        for (int k = 0; k < lines; k++) {
            at = text.indexOf('\n', at + 1);
            if (at < 0) {
                return text.length();
            }
        }
        return at;
    }

    private static int countNewlines(String text, int from, int to) {
        int n = 0;
        for (int k = from; k < to && k < text.length(); k++) {
            if (text.charAt(k) == '\n') {
                n++;
            }
        }
        return n;
    }

    private static int count(Pattern p, String text) {
        Matcher m = p.matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
