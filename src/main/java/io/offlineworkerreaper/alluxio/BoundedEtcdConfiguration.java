package io.offlineworkerreaper.alluxio;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;
import org.apache.camel.component.etcd3.Etcd3Configuration;

/**
 * camel-etcd3's configuration, with every call bounded in time. camel-etcd3 builds its jetcd client with
 * gRPC's wait-for-ready semantics and no deadline, so a call to an unreachable or hung etcd never returns and
 * the cycle hangs with it. Here calls fail fast while etcd is unreachable (no wait-for-ready), are retried by
 * jetcd for at most the timeout, and each one carries a gRPC deadline of the timeout, so even an etcd that
 * accepts connections but never answers fails the call instead of holding the cycle.
 */
public final class BoundedEtcdConfiguration extends Etcd3Configuration {

    /** The largest etcd answer read: a prefix of 100,000 registrations. */
    static final int MAX_ANSWER = 64 * 1024 * 1024;

    private final Duration timeout;
    private final EtcdSecurity security;

    public BoundedEtcdConfiguration(Duration timeout, EtcdSecurity security) {
        this.timeout = timeout;
        this.security = security;
        setConnectionTimeout(timeout);
        // gRPC's default 4 MiB cap on one answer: the registrations of 15,000 workers are 7 MB (ScaleBench), and a
        // cycle reading them would fail with RESOURCE_EXHAUSTED
        setMaxInboundMessageSize(MAX_ANSWER);
        setRetryMaxDuration(timeout);
        security.username().ifPresent(this::setUserName);
        security.password().ifPresent(this::setPassword);
    }

    public Duration timeout() {
        return timeout;
    }

    @Override
    public Client createClient() {
        return build(true);
    }

    /**
     * A client for long-lived watches: same endpoints, TLS and credentials, no per-call deadline (a deadline
     * would end the watch stream after reaper.etcd.timeout).
     */
    public Client createWatchClient() {
        return build(false);
    }

    private Client build(boolean bounded) {
        ClientBuilder builder = Client.builder()
                .endpoints(getEndpoints().split(","))
                .authority(getAuthority())
                .maxInboundMessageSize(getMaxInboundMessageSize())
                .retryDelay(getRetryDelay())
                .retryMaxDelay(getRetryMaxDelay())
                .retryMaxDuration(getRetryMaxDuration())
                .keepaliveTime(getKeepAliveTime())
                .keepaliveTimeout(getKeepAliveTimeout())
                .connectTimeout(getConnectionTimeout())
                .waitForReady(false);
        if (bounded) {
            builder.interceptor(new Deadline(timeout));
        }
        // an https:// endpoint always gets TLS (jetcd would talk plaintext to it without an SSL context): the CA
        // file when given, else the JVM's trust store, which is the system's CAs
        boolean https = java.util.Arrays.stream(getEndpoints().split(",")).map(String::trim)
                .anyMatch(e -> e.regionMatches(true, 0, "https://", 0, 8));
        if (security.tls() || https) {
            try {
                builder.sslContext(tls -> {
                    security.caFile().ifPresent(ca -> tls.trustManager(ca.toFile()));
                    security.certFile().ifPresent(cert -> tls.keyManager(cert.toFile(),
                            security.keyFile().orElseThrow().toFile()));
                });
            } catch (javax.net.ssl.SSLException e) {
                throw new IllegalStateException("Cannot read the etcd TLS files: " + e.getMessage(), e);
            }
        }
        if (getLoadBalancerPolicy() != null) {
            builder.loadBalancerPolicy(getLoadBalancerPolicy());
        }
        if (getUserName() != null) {
            builder.user(ByteSequence.from(getUserName(), StandardCharsets.UTF_8));
        }
        if (getPassword() != null) {
            builder.password(ByteSequence.from(getPassword(), StandardCharsets.UTF_8));
        }
        if (getNamespace() != null) {
            builder.namespace(ByteSequence.from(getNamespace(), StandardCharsets.UTF_8));
        }
        return builder.build();
    }

    /** Puts a deadline on every gRPC call that has none. */
    static final class Deadline implements ClientInterceptor {
        private final long millis;

        Deadline(Duration timeout) {
            this.millis = timeout.toMillis();
        }

        @Override
        public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
            CallOptions bounded = options.getDeadline() == null
                    ? options.withDeadlineAfter(millis, TimeUnit.MILLISECONDS) : options;
            return next.newCall(method, bounded);
        }
    }
}
