package dev.athena.workers.execution;

import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.workers.provider.builtin.BuiltinProvider;
import dev.athena.workers.provider.spi.Provider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The providers this worker may call, highest priority first, with {@code builtin} always present and last.
 * Turns a request into its failover chain:
 * <ul>
 * <li>{@code auto}: every provider by priority, then {@code builtin} (marked degraded when it stands in for a
 * real provider that exists);</li>
 * <li>a named provider: that provider with the requested model, then {@code builtin} marked degraded;</li>
 * <li>a named provider that is not configured here: {@code builtin} marked degraded;</li>
 * <li>{@code builtin}: itself.</li>
 * </ul>
 */
public final class ProviderRoster {
    private final List<Provider> byPriority;
    private final Provider builtin;
    private final Map<String, Packing> packing;

    private ProviderRoster(List<Provider> byPriority, Provider builtin, Map<String, Packing> packing) {
        this.byPriority = byPriority;
        this.builtin = builtin;
        this.packing = packing;
    }

    /** The same roster, with packing turned on for the providers named in {@code byProvider}. */
    public ProviderRoster withPacking(Map<String, Packing> byProvider) {
        return new ProviderRoster(byPriority, builtin, Map.copyOf(byProvider));
    }

    /** How {@code provider} packs, when it does; never for {@code builtin}. */
    public Optional<Packing> packingFor(String provider) {
        return provider.equals(BuiltinProvider.NAME) ? Optional.empty() : Optional.ofNullable(packing.get(provider));
    }

    /** {@code providers} in priority order; a builtin among them is ignored in favour of the one given. */
    public static ProviderRoster of(List<Provider> providers, Provider builtin) {
        Objects.requireNonNull(builtin, "builtin");
        List<Provider> ordered = new ArrayList<>();
        for (Provider p : providers) {
            if (!p.name().equals(BuiltinProvider.NAME)) {
                ordered.add(p);
            }
        }
        return new ProviderRoster(List.copyOf(ordered), builtin, Map.of());
    }

    public static ProviderRoster builtinOnly() {
        return of(List.of(), new BuiltinProvider());
    }

    public List<String> names() {
        List<String> names = new ArrayList<>(byPriority.stream().map(Provider::name).toList());
        names.add(builtin.name());
        return names;
    }

    public List<Attempt> chainFor(AnalysisRequest request) {
        String wanted = request.providerOrAuto();
        List<Attempt> chain = new ArrayList<>();
        if (wanted.equals(BuiltinProvider.NAME)) {
            chain.add(new Attempt(builtin, builtin.defaultModel(), false));
            return chain;
        }
        if (wanted.equals(AnalysisRequest.AUTO)) {
            for (Provider p : byPriority) {
                chain.add(new Attempt(p, p.defaultModel(), false));
            }
        } else {
            byPriority.stream().filter(p -> p.name().equals(wanted)).findFirst().ifPresent(p -> chain.add(
                    new Attempt(p, request.modelOrAuto().equals(AnalysisRequest.AUTO) ? p.defaultModel()
                            : request.modelOrAuto(), false)));
        }
        boolean standsIn = !wanted.equals(AnalysisRequest.AUTO) || !byPriority.isEmpty();
        chain.add(new Attempt(builtin, builtin.defaultModel(), standsIn));
        return chain;
    }
}
