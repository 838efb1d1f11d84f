# offline-worker-reaper image: docker build -t offline-worker-reaper:0.1.0 .
# Stage 1 builds the shaded jars (tests run in CI, where etcd is installed; not in an image build). Only the
# production jar goes into the image: no demo, no emulated API server (ReaperJarIT checks it holds none).
FROM maven:3.9.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src src
COPY routes routes
COPY config config
RUN mvn -B -q package -DskipTests

# Stage 2: a JRE and the jar, nothing else. Routes and default settings are inside the jar.
FROM eclipse-temurin:17.0.15_6-jre-jammy
# A fixed non-root user; deploy/kubernetes/deployment.yaml runs as the same uid.
RUN groupadd --system --gid 10001 reaper \
    && useradd --system --uid 10001 --gid reaper --no-create-home --shell /usr/sbin/nologin reaper \
    && mkdir -p /app /var/log/offline-worker-reaper \
    && chown reaper:reaper /var/log/offline-worker-reaper
# The jar reads its defaults from itself and relative paths from here; logs go to a directory that can be a
# volume (the root filesystem is read-only in the Deployment).
WORKDIR /app
COPY --from=build /src/target/offline-worker-reaper.jar /app/offline-worker-reaper.jar
# AppCDS: a training run records the classes the reaper loads into /app/reaper.jsa as it exits (its one cycle fails:
# no cluster and no etcd here, which is fine, the classes are loaded). The JVM maps the archive at every start
# (startup 2.2 s -> 1.4 s on 2 cores, docs/BENCHMARKS.md) and, should it not match this JDK or jar, starts without
# it, silently (-Xshare:auto). Same flags as the Deployment's JAVA_TOOL_OPTIONS.
RUN KUBERNETES_MASTER=http://127.0.0.1:9 REAPER_ETCD_ENDPOINTS=http://127.0.0.1:9 REAPER_LOG_FILE=/tmp/training.log \
    java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -Xss256k \
         -XX:ArchiveClassesAtExit=/app/reaper.jsa -Xlog:cds=off -Xlog:cds+dynamic=off \
         -Dreaper.kubernetes.timeout=1s -Dreaper.etcd.timeout=1s -Dcamel.management.enabled=false \
         -jar /app/offline-worker-reaper.jar --once; \
    test -s /app/reaper.jsa && rm -f /tmp/training.log
ENV REAPER_LOG_FILE=/var/log/offline-worker-reaper/worker-monitor.log
# two malloc arenas instead of eight per core: the JVM's native allocations come from a few threads
ENV MALLOC_ARENA_MAX=2
USER 10001:10001
# camel.management.port: /observe/health and /observe/metrics
EXPOSE 9876
# exec form: the JVM is PID 1 and gets SIGTERM directly, so the current cycle ends and the Lease is released.
ENTRYPOINT ["java", "-XX:SharedArchiveFile=/app/reaper.jsa", "-Xshare:auto", "-Xlog:cds=off", "-Xlog:cds+dynamic=off", \
            "-jar", "/app/offline-worker-reaper.jar"]
