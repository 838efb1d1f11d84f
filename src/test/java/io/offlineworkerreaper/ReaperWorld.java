package io.offlineworkerreaper;

import java.util.Map;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

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

    /**
     * When a test fails, what the reaper warned about and what Slack received during it go to the test's output
     * (the CI log shows it): a failure that happened once on a loaded machine can be understood from that alone.
     */
    @RegisterExtension
    final TestWatcher printOnFailure = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            System.out.println(FailureReport.of(context.getDisplayName(), log(),
                    slack == null ? java.util.List.of() : slack.texts()));
        }
    };

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
