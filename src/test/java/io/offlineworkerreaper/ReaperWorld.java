package io.offlineworkerreaper;

import java.util.Map;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The world the route tests run in: the fabric8 CRUD API mock, one real etcd per test class (emptied before
 * each test), a Slack stand-in, and the whole application, routes as shipped, started by {@link #startReaper}.
 * Tests assert on the world: objects in the API server, keys in etcd, posts received by Slack.
 */
@EnableKubernetesMockClient(crud = true)
abstract class ReaperWorld extends EtcdWorld {

    KubernetesClient client;
    HttpStandIn slack;
    RunningReaper reaper;
    private int logMark;

    @BeforeEach
    void startSlack() throws Exception {
        slack = new HttpStandIn();
        logMark = TestLog.text().length();
    }

    @AfterEach
    void stopAll() throws Exception {
        if (reaper != null) {
            reaper.closeBetweenCycles();
        }
        slack.close();
    }

    /** The application log written during this test. */
    String log() {
        return TestLog.since(logMark);
    }

    void startReaper(Map<String, String> settings) throws Exception {
        reaper = RunningReaper.start(client, etcd.clientUrl(), slack, settings);
    }
}
