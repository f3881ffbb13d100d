package dev.athena.workers.provider.builtin;

import java.util.List;

/**
 * Three aligned views of one source file, line by line: {@code raw} as written; {@code code} with comments
 * blanked but string literals kept (for rules about what strings contain); {@code masked} with comments and the
 * contents of string literals blanked (for structure: braces, branches and calls inside strings do not count).
 * Blanking replaces characters with spaces, so columns and line numbers stay the same in all three views.
 *
 * <p>The lexer is deliberately small: line and block comments, single, double and back-quoted strings with
 * escapes, Java text blocks and Python triple-quoted strings. Regex literals in JavaScript are read as code.
 */
final class SourceText {
    private final Language language;
    private final List<String> raw;
    private final List<String> code;
    private final List<String> masked;

    private SourceText(Language language, List<String> raw, List<String> code, List<String> masked) {
        this.language = language;
        this.raw = raw;
        this.code = code;
        this.masked = masked;
    }

    static SourceText of(String text, Language language) {
        String normalised = text.replace("\r\n", "\n").replace('\r', '\n');
        StringBuilder code = new StringBuilder(normalised);
        StringBuilder masked = new StringBuilder(normalised);
        new Lexer(normalised, language, code, masked).run();
        return new SourceText(language, lines(normalised), lines(code.toString()), lines(masked.toString()));
    }

    private static List<String> lines(String text) {
        List<String> all = List.of(text.split("\n", -1));
        // a trailing newline does not start another line
        return all.size() > 1 && all.getLast().isEmpty() ? all.subList(0, all.size() - 1) : all;
    }

    Language language() {
        return language;
    }

    int lineCount() {
        return raw.size();
    }

    /** 1-based. */
    String raw(int line) {
        return raw.get(line - 1);
    }

    /** 1-based; comments blanked. */
    String code(int line) {
        return code.get(line - 1);
    }

    /** 1-based; comments and string contents blanked. */
    String masked(int line) {
        return masked.get(line - 1);
    }

    /** Lines {@code from..to} (1-based, inclusive) of the masked view joined with newlines. */
    String maskedRange(int from, int to) {
        return String.join("\n", masked.subList(from - 1, Math.min(to, masked.size())));
    }

    /** Lines {@code from..to} (1-based, inclusive) of the comment-free view joined with newlines. */
    String codeRange(int from, int to) {
        return String.join("\n", code.subList(from - 1, Math.min(to, code.size())));
    }

    boolean isBlank(int line) {
        return raw(line).isBlank();
    }

    /** A line that holds only a comment. */
    boolean isCommentOnly(int line) {
        return !raw(line).isBlank() && code(line).isBlank();
    }

    /** One pass over the text; a small state machine writing blanks into the two copies. */
    private static final class Lexer {
        private final String s;
        private final Language language;
        private final StringBuilder code;
        private final StringBuilder masked;
        private int i;

        Lexer(String s, Language language, StringBuilder code, StringBuilder masked) {
            this.s = s;
            this.language = language;
            this.code = code;
            this.masked = masked;
        }

        void run() {
            while (i < s.length()) {
                char c = s.charAt(i);
                if (language == Language.PYTHON && c == '#') {
                    lineComment();
                } else if (language != Language.PYTHON && c == '/' && peek(1) == '/') {
                    lineComment();
                } else if (language != Language.PYTHON && c == '/' && peek(1) == '*') {
                    blockComment();
                } else if (c == '"' || c == '\'' || c == '`') {
                    string(c);
                } else {
                    i++;
                }
            }
        }

        private char peek(int ahead) {
            int at = i + ahead;
            return at < s.length() ? s.charAt(at) : '\0';
        }

        private void lineComment() {
            while (i < s.length() && s.charAt(i) != '\n') {
                blankBoth(i++);
            }
        }

        private void blockComment() {
            blankBoth(i++);
            blankBoth(i++);
            while (i < s.length() && !(s.charAt(i) == '*' && peek(1) == '/')) {
                blankBoth(i++);
            }
            if (i < s.length()) {
                blankBoth(i++);
                blankBoth(i++);
            }
        }

        private void string(char quote) {
            boolean triple = peek(1) == quote && peek(2) == quote
                    && (language == Language.PYTHON || (language == Language.JAVA && quote == '"'));
            if (triple) {
                i += 3;
                while (i < s.length() && !(s.charAt(i) == quote && peek(1) == quote && peek(2) == quote)) {
                    if (s.charAt(i) == '\\' && i + 1 < s.length()) {
                        blankMasked(i++);
                    }
                    blankMasked(i++);
                }
                i = Math.min(s.length(), i + 3);
                return;
            }
            boolean multiline = quote == '`';
            boolean escapes = !(quote == '`' && language == Language.GO);
            i++;
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c == quote) {
                    i++;
                    return;
                }
                if (c == '\n' && !multiline) {
                    return; // an unterminated literal ends with its line
                }
                if (c == '\\' && escapes && i + 1 < s.length()) {
                    blankMasked(i++);
                }
                blankMasked(i++);
            }
        }

        private void blankBoth(int at) {
            if (s.charAt(at) != '\n') {
                code.setCharAt(at, ' ');
                masked.setCharAt(at, ' ');
            }
        }

        private void blankMasked(int at) {
            if (at < s.length() && s.charAt(at) != '\n') {
                masked.setCharAt(at, ' ');
            }
        }
    }
}
