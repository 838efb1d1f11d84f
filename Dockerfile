# offline-worker-reaper image. Build it with ./run.sh image: it runs `mvn package` and records the class list first.
# The image takes the jar and its bill of materials that `mvn package` made on the host: the jar the test suite
# ran (ReaperJarIT, ImageIT) is byte for byte the one that ships, the image build downloads nothing (no Maven, no
# second resolution of the dependencies), and the build context is those files and the class list (.dockerignore).
# The runtime base is a build argument: the default is the upstream Temurin JRE; the tests pass a JRE base made
# from Debian's packages (./run.sh image with REAPER_RUNTIME_IMAGE=debian), for machines without a registry.
ARG RUNTIME_IMAGE=eclipse-temurin:17.0.15_6-jre-jammy
FROM ${RUNTIME_IMAGE}
# A fixed non-root user; deploy/kubernetes/deployment.yaml runs as the same uid.
RUN groupadd --system --gid 10001 reaper \
    && useradd --system --uid 10001 --gid reaper --no-create-home --shell /usr/sbin/nologin reaper \
    && mkdir -p /app /var/log/offline-worker-reaper \
    && chown reaper:reaper /var/log/offline-worker-reaper
# The jar reads its defaults from itself and relative paths from here; logs go to a directory that can be a
# volume (the root filesystem is read-only in the Deployment).
WORKDIR /app
# Only the production jar: no demo, no emulated API server (ReaperJarIT checks the jar, ImageIT the image).
COPY target/offline-worker-reaper.jar /app/offline-worker-reaper.jar
# The CycloneDX bill of materials of that jar (docs/INSTALL.md: scanning it).
COPY target/bom.json /app/sbom.json
# AppCDS: a static archive of the classes a remediation loads (target/classes.lst, recorded by ./run.sh image from a
# run of the demo: the build itself reaches no cluster, and an archive trained on a failing cycle held a quarter
# fewer of them: 1.3 s to the first cycle instead of 1.1 s, docs/BENCHMARKS.md). The JVM maps it at every start and,
# should it not match this JDK or jar, starts without it, silently (-Xshare:auto); ImageIT fails when the image's
# own start does not map it. Classes of the list this JDK or jar lacks are skipped. The list is mounted for this step
# only: the image does not keep it.
RUN --mount=type=bind,source=target/classes.lst,target=/tmp/classes.lst \
    java -Xshare:dump -XX:SharedClassListFile=/tmp/classes.lst -XX:SharedArchiveFile=/app/reaper.jsa -XX:-UsePerfData \
         -Xlog:cds=off -Xlog:cds+dynamic=off -cp /app/offline-worker-reaper.jar \
    && test -s /app/reaper.jsa
ENV REAPER_LOG_FILE=/var/log/offline-worker-reaper/worker-monitor.log
# two malloc arenas instead of eight per core: the JVM's native allocations come from a few threads
ENV MALLOC_ARENA_MAX=2
LABEL org.opencontainers.image.title="offline-worker-reaper" \
      org.opencontainers.image.description="Removes the pods and etcd registrations of Alluxio workers on dead Kubernetes nodes" \
      org.opencontainers.image.source="https://github.com/offline-worker-reaper/offline-worker-reaper"
USER 10001:10001
# camel.management.port: /observe/health and /observe/metrics
EXPOSE 9876
# exec form: the JVM is PID 1 and gets SIGTERM directly, so the current cycle ends and the Lease is released.
ENTRYPOINT ["java", "-XX:SharedArchiveFile=/app/reaper.jsa", "-Xshare:auto", "-Xlog:cds=off", "-Xlog:cds+dynamic=off", \
            "-jar", "/app/offline-worker-reaper.jar"]
