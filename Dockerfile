# NunDB-compatible server image. Build the jar first, then the image (classic builder is fine):
#   ./mvnw -B package -DskipTests && docker build -t nundb-jvm .
# Stage 1 makes a jlink'ed Java runtime with only the modules the application uses and a minimal
# root filesystem (dynamic loader + the shared libraries that runtime links); stage 2 is FROM
# scratch with that root, the application's layers, and nothing else (no shell, no package manager).

# The runtime is Java 25 (Debian trixie's OpenJDK): measured faster than 17 on our bench
# (docs/benchmarks.md, "JVM choices"); the code stays at the Java 17 language level.
FROM debian:trixie-slim AS build

RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openjdk-25-jdk-headless binutils gcc libc6-dev \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /build
# The HEALTHCHECK's probe: a static C binary (~0.7 MB) instead of a JVM started every 10 s.
COPY docker/probe.c /build/probe.c
RUN mkdir -p /rootfs/usr/local/bin \
 && gcc -static -Os -s -Wall -Werror -o /rootfs/usr/local/bin/nun-db-probe /build/probe.c

COPY target/nundb-jvm-*.jar /build/app.jar

# Spring Boot's layers: dependencies change rarely, the application on every commit.
RUN java -Djarmode=tools -jar app.jar extract --layers --launcher --destination /build/layers

# Modules the code references (jdeps), plus ones only reached by reflection or service loading:
# jdk.unsupported (Netty), jdk.management (process/JVM metrics), java.logging, jdk.crypto.ec (TLS).
# java.desktop comes in for java.beans (Spring); its imaging, font and sound natives are removed
# (a headless server never loads them), and with them their X11/font/sound library dependencies.
RUN set -eu; \
    deps=$(jdeps --ignore-missing-deps --print-module-deps --multi-release 17 --recursive \
             --class-path '/build/layers/dependencies/BOOT-INF/lib/*' \
             /build/layers/application/BOOT-INF/classes 2>/build/jdeps.err) \
      || { cat /build/jdeps.err; exit 1; }; \
    echo "jdeps: $deps"; \
    jlink --add-modules "$deps,java.logging,jdk.unsupported,jdk.management,jdk.crypto.ec" \
          --strip-debug --no-header-files --no-man-pages --compress=zip-6 --output /opt/java; \
    /opt/java/bin/java --list-modules; \
    find /opt/java -name '*.debuginfo' -delete; \
    cd /opt/java/lib; \
    rm -f libawt_xawt.so libfontmanager.so libjavajpeg.so liblcms.so libsplashscreen.so libjsound.so libmlib_image.so

# The minimal root: every shared library the runtime links (found with ldd), users, /tmp, /data.
RUN set -eu; \
    mkdir -p /rootfs/tmp /rootfs/etc /rootfs/opt /build/datahome/data; \
    chmod 1777 /rootfs/tmp; \
    find /opt/java -type f \( -name '*.so' -o -path '*/bin/*' \) -exec ldd {} \; 2>/dev/null \
      | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' \
      | grep -v '^/opt/java' | sort -u > /build/libs; \
    for lib in libdl.so.2 libpthread.so.0 librt.so.1; do \
      path=$(ldconfig -p | awk -v l="$lib" '$1 == l { print $NF; exit }'); \
      if [ -n "$path" ]; then echo "$path" >> /build/libs; fi; \
    done; \
    sort -u /build/libs | while read -r lib; do cp --parents -L "$lib" /rootfs/; done; \
    cat /build/libs; \
    printf 'root:x:0:0:root:/root:/sbin/nologin\nnundb:x:10001:10001:nundb:/data:/sbin/nologin\n' > /rootfs/etc/passwd; \
    printf 'root:x:0:\nnundb:x:10001:\n' > /rootfs/etc/group; \
    printf 'hosts: files dns\n' > /rootfs/etc/nsswitch.conf; \
    cp -a /opt/java /rootfs/opt/

FROM scratch

COPY --from=build /rootfs/ /
# /data is an entry of the copied directory (not its target), so --chown applies to it as well.
COPY --from=build --chown=10001:10001 /build/datahome/ /
COPY --from=build /build/layers/dependencies/ /app/
COPY --from=build /build/layers/spring-boot-loader/ /app/
COPY --from=build /build/layers/snapshot-dependencies/ /app/
COPY --from=build /build/layers/application/ /app/

# NunDB's variables (docs/operations.md lists them all). Set NUN_PWD at run time; without it the
# server generates an admin password and logs it once.
ENV NUN_USER=nun \
    NUN_DBS_DIR=/data \
    NUN_WS_ADDR=0.0.0.0:3012 \
    NUN_HTTP_ADDR=0.0.0.0:3013 \
    NUN_TCP_ADDR=0.0.0.0:3014 \
    NUN_RSOCKET_ADDR=0.0.0.0:3015 \
    JAVA_HOME=/opt/java

USER 10001:10001
WORKDIR /data
VOLUME ["/data"]
# 3012 WebSocket, 3013 HTTP (commands, Actuator), 3014 TCP, 3015 RSocket, 3016 cluster peers (RSocket)
EXPOSE 3012 3013 3014 3015 3016

# The image has no shell or curl: a static probe asks /readyz on NUN_HTTP_ADDR's port (docker/probe.c).
# Starting the nun-db CLI's JVM for this every 10 s cost 0.65 s of CPU and 75 MB each time (measured).
# Orchestrators (Kubernetes, the Helm chart) probe HTTP themselves and ignore HEALTHCHECK.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["/usr/local/bin/nun-db-probe"]

# The entry point is the nun-db CLI, so `docker run IMAGE` runs `nun-db start` (as NunDB's image
# does) and `docker run --rm IMAGE exec "…"` works as a client.
ENTRYPOINT ["/opt/java/bin/java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", \
            "-Dloader.main=io.nundb.cli.NunDbCli", "-cp", "/app", \
            "org.springframework.boot.loader.launch.PropertiesLauncher"]
CMD ["start"]
