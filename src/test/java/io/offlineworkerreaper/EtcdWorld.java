package io.offlineworkerreaper;

import java.nio.file.Files;

import io.offlineworkerreaper.demo.AlluxioRegistry;
import io.offlineworkerreaper.demo.EtcdServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** One real etcd per test class, emptied before each test, with a registry to play Alluxio's workers on it. */
abstract class EtcdWorld {

    static EtcdServer etcd;
    static AlluxioRegistry registry;

    @BeforeAll
    static void startEtcd() throws Exception {
        etcd = EtcdServer.start(Files.createTempDirectory("reaper-test-etcd"));
        registry = new AlluxioRegistry(etcd.clientUrl());
    }

    @AfterAll
    static void stopEtcd() {
        registry.close();
        etcd.close();
    }

    @BeforeEach
    void emptyEtcd() {
        registry.deletePrefix("/");
    }

    @AfterEach
    void dropKeepAlives() {
        registry.close();
        registry = new AlluxioRegistry(etcd.clientUrl()); // drops the keep-alives of the test's live workers
    }
}
