package dev.athena.workers.provider.spi;

import java.util.function.Function;

/** A provider for tests: a name, a default model and what each call does (answer, throw, or count). */
public record StubProvider(String name, String defaultModel, Function<ProviderCall, ProviderAnswer> behaviour)
        implements Provider {
    @Override
    public ProviderAnswer analyse(ProviderCall call) {
        return behaviour.apply(call);
    }
}
