package dev.athena.workers.provider.builtin;

/**
 * One function or method as the scanner saw it. Lines are 1-based and inclusive; {@code nesting} counts the
 * blocks open inside the body at its deepest point ({@code nestingLine}); {@code cyclomatic} is 1 plus the
 * branch points of the body.
 */
record FunctionSpan(String name, int startLine, int endLine, int parameters, int cyclomatic, int nesting,
        int nestingLine) {
    int length() {
        return endLine - startLine + 1;
    }
}
