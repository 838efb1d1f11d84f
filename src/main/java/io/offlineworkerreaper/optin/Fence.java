package io.offlineworkerreaper.optin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.offlineworkerreaper.decision.Action;
import io.offlineworkerreaper.settings.SecretMasker;
import io.offlineworkerreaper.text.Errors;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proves a node is off before the out-of-service taint or the Node's deletion: calls {@code reaper.node.fence-uri}
 * (a Camel endpoint: camel-http is in the jar) with the node's name, providerID and addresses as JSON.
 * Fenced only on success: no exception, an HTTP status 2xx if the endpoint reports one, an exit value 0 if it
 * reports one, within {@code reaper.node.fence-timeout}. Anything else, or no fence URI while one is required,
 * is a refusal. An operator's {@link NodeConfirmations#ANNOTATION} on the node counts as success, the service
 * not called. Never called in dry-run or while paused (the caller's choice).
 */
public final class Fence {

    /** What the fence said. */
    public record Result(boolean fenced, String detail) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(Fence.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FenceSettings settings;
    private final KubernetesClient client;
    private final ProducerTemplate template;
    private final SecretMasker masker;
    private final NodeConfirmations confirmations;

    /** {@code confirmations}: an operator's {@link NodeConfirmations#ANNOTATION} counts as a successful fence. */
    public Fence(FenceSettings settings, KubernetesClient client, ProducerTemplate template, SecretMasker masker,
                 NodeConfirmations confirmations) {
        this.settings = settings;
        this.client = client;
        this.template = template;
        this.masker = masker;
        this.confirmations = confirmations;
    }

    /** Whether the action needs a proof first: the out-of-service taint and the Node's deletion do. */
    public static boolean needed(Action action) {
        return action.kind() == Action.Kind.TAINT_OUT_OF_SERVICE || action.kind() == Action.Kind.DELETE_NODE;
    }

    /** The proof for this action; actions that need none are fenced at once. */
    public Result prove(Action action) {
        if (!needed(action)) {
            return new Result(true, "no proof needed");
        }
        Optional<NodeConfirmations.Confirmation> confirmed = confirmations.confirmed(action.node());
        if (confirmed.isPresent()) {
            return logged(action, new Result(true, "node " + action.node() + " " + confirmed.get().text()));
        }
        if (settings.uri().isEmpty()) {
            return settings.required()
                    ? new Result(false, "no " + FenceSettings.URI_KEY + " is set, so node " + action.node()
                            + " cannot be proven off; set one, or " + FenceSettings.REQUIRED + "=false to act unproven")
                    : new Result(true, FenceSettings.REQUIRED + "=false: acting without proof");
        }
        String uri = settings.uri().get();
        String shown = FenceSettings.shown(uri);
        Node node = client.nodes().withName(action.node()).get();
        if (node == null) {
            return new Result(false, "node " + action.node() + " is gone: nothing to fence");
        }
        String body = body(node);
        LOG.warn("Fencing node {} through {}: {}", action.node(), shown, body);
        Future<Exchange> call = template.asyncSend(uri, e -> e.getIn().setBody(body));
        Exchange answer;
        try {
            answer = call.get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            return logged(action, new Result(false, "no answer from " + shown + " within " + FenceSettings.TIMEOUT));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return logged(action, new Result(false, "interrupted while fencing"));
        } catch (ExecutionException e) {
            return logged(action, new Result(false, masker.mask(Errors.rootMessage(e))));
        }
        return logged(action, verdict(answer, shown, masker));
    }

    /** Success only: no exception, HTTP 2xx where there is a status, exit value 0 where there is one. */
    static Result verdict(Exchange answer, String shown, SecretMasker masker) {
        if (answer.getException() != null) {
            return new Result(false, shown + " failed: " + masker.mask(Errors.rootMessage(answer.getException())));
        }
        Integer status = answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        if (status != null && (status < 200 || status > 299)) {
            return new Result(false, shown + " answered HTTP " + status);
        }
        Integer exit = answer.getMessage().getHeader("CamelExecExitValue", Integer.class);
        if (exit != null && exit != 0) {
            return new Result(false, shown + " exited with " + exit);
        }
        return new Result(true, "fenced by " + shown + (status != null ? " (HTTP " + status + ")" : "")
                + (exit != null ? " (exit 0)" : ""));
    }

    private static Result logged(Action action, Result result) {
        if (result.fenced()) {
            LOG.warn("Node {} fenced: {}", action.node(), result.detail());
        } else {
            LOG.warn("Node {} NOT fenced, refusing to {}: {}", action.node(), action.kind().intent(), result.detail());
        }
        return result;
    }

    static String body(Node node) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("name", node.getMetadata().getName());
        fields.put("providerID", node.getSpec() == null ? null : node.getSpec().getProviderID());
        fields.put("addresses", node.getStatus() == null || node.getStatus().getAddresses() == null ? List.of()
                : node.getStatus().getAddresses().stream()
                        .map(a -> {
                            Map<String, String> address = new LinkedHashMap<>();
                            address.put("type", a.getType());
                            address.put("address", a.getAddress());
                            return address;
                        }).toList());
        try {
            return JSON.writeValueAsString(fields);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the fence request of node " + node.getMetadata().getName(), e);
        }
    }
}
