package io.offlineworkerreaper;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Collections;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The libraries the jar carries come each in one version (a BOM per library in the pom): mixed Jackson or Netty
 * modules fail at run time in ways no unit test of ours would show.
 */
class DependencyVersionsTest {

    /** groupId:artifactId -> version of every module on the classpath whose groupId starts with {@code group}. */
    private static Map<String, String> modules(String group) throws IOException {
        Map<String, String> found = new TreeMap<>();
        for (String resource : PomProperties.ALL) {
            for (URL url : Collections.list(DependencyVersionsTest.class.getClassLoader().getResources(resource))) {
                try (InputStream in = url.openStream()) {
                    Properties p = new Properties();
                    p.load(in);
                    if (p.getProperty("groupId", "").startsWith(group)) {
                        found.put(p.getProperty("groupId") + ":" + p.getProperty("artifactId"), p.getProperty("version"));
                    }
                }
            }
        }
        return found;
    }

    /** The pom.properties of the modules checked (a jar's directories cannot be listed through the class loader). */
    private static final class PomProperties {
        static final java.util.List<String> ALL = java.util.List.of(
                "META-INF/maven/com.fasterxml.jackson.core/jackson-core/pom.properties",
                "META-INF/maven/com.fasterxml.jackson.core/jackson-databind/pom.properties",
                "META-INF/maven/com.fasterxml.jackson.dataformat/jackson-dataformat-yaml/pom.properties",
                "META-INF/maven/com.fasterxml.jackson.datatype/jackson-datatype-jsr310/pom.properties",
                "META-INF/maven/io.netty/netty-common/pom.properties",
                "META-INF/maven/io.netty/netty-buffer/pom.properties",
                "META-INF/maven/io.netty/netty-transport/pom.properties",
                "META-INF/maven/io.netty/netty-handler/pom.properties",
                "META-INF/maven/io.netty/netty-codec-http/pom.properties",
                "META-INF/maven/io.netty/netty-codec-http2/pom.properties",
                "META-INF/maven/io.vertx/vertx-core/pom.properties",
                "META-INF/maven/io.vertx/vertx-web/pom.properties",
                "META-INF/maven/io.vertx/vertx-grpc/pom.properties");
    }

    @Test
    void should_carry_one_version_of_jackson_netty_and_vertx() throws IOException {
        for (String group : new String[] {"com.fasterxml.jackson", "io.netty", "io.vertx"}) {
            Map<String, String> versions = modules(group);
            assertThat(versions).as(group).isNotEmpty();
            assertThat(versions.values().stream().distinct()).as("%s modules: %s", group, versions).hasSize(1);
        }
    }
}
