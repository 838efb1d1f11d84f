package io.offlineworkerreaper.notify;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;

/**
 * Calls a route from Java and throws what it failed with. The outcome is read from the exchange once the call
 * returned: camel-slack 4.18 sets a webhook error only after it signalled completion (CAMEL-23627), and routes
 * without an error handler (call-etcd, post-to-slack) leave their failure on the exchange.
 */
public final class RouteCall {

    private final CamelContext context;
    private final String uri;
    private ProducerTemplate template;

    public RouteCall(CamelContext context, String uri) {
        this.context = context;
        this.uri = uri;
    }

    public synchronized Exchange call(Processor request) throws Exception {
        if (template == null) {
            template = context.createProducerTemplate(); // lazily: the context is not started at configure time
        }
        Exchange result = template.send(uri, request);
        if (result.getException() != null) {
            throw result.getException();
        }
        return result;
    }
}
