package dev.athena.collector;

import dev.athena.schemas.message.AnalysisBatch;
import dev.athena.schemas.message.Requester;
import java.util.List;

/** Reading batches from the point of view of one test client. */
final class ClientBatches {
    private ClientBatches() {
    }

    static boolean mine(AnalysisBatch batch, String clientId) {
        return batch.items().stream().flatMap(i -> i.requesters().stream())
                .anyMatch(r -> r.clientId().equals(clientId));
    }

    /**
     * The client's request ids in these batches. Every collector under test reads all of the shared request
     * topic, so a batch may also carry other tests' clients.
     */
    static List<String> requestIds(List<AnalysisBatch> batches, String clientId) {
        return batches.stream().flatMap(b -> b.items().stream()).flatMap(i -> i.requesters().stream())
                .filter(r -> r.clientId().equals(clientId)).map(Requester::requestId).toList();
    }
}
