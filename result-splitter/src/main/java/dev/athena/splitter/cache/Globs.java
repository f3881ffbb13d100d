package dev.athena.splitter.cache;

import java.util.regex.Pattern;

/** Redis glob patterns ({@code * ? [abc] \x}) as Java regexes, so that L1 matches what Redis SCAN matched. */
final class Globs {
    private Globs() {
    }

    static Pattern toRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        boolean inClass = false;
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '\\' && i + 1 < glob.length()) {
                regex.append(literal(glob.charAt(++i)));
            } else if (inClass) {
                if (c == ']') {
                    inClass = false;
                    regex.append(']');
                } else if (c == '^' && glob.charAt(i - 1) == '[') {
                    regex.append('^');
                } else if (c == '-') {
                    regex.append('-');
                } else {
                    regex.append(literal(c));
                }
            } else if (c == '*') {
                regex.append(".*");
            } else if (c == '?') {
                regex.append('.');
            } else if (c == '[' && glob.indexOf(']', i + 1) > i + 1) {
                inClass = true;
                regex.append('[');
            } else {
                regex.append(literal(c));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    private static String literal(char c) {
        return Character.isLetterOrDigit(c) ? String.valueOf(c) : "\\" + c;
    }
}
