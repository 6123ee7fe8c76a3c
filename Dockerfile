# One image recipe for every service: docker-compose passes SERVICE (the Maven module) and MAIN_CLASS.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -DskipTests package

FROM eclipse-temurin:17-jre
ARG SERVICE
ARG MAIN_CLASS
ENV MAIN_CLASS=${MAIN_CLASS}
RUN useradd --system --uid 10001 gateway
WORKDIR /app
COPY --from=build /src/${SERVICE}/target/${SERVICE}-*.jar /app/app.jar
COPY --from=build /src/${SERVICE}/target/lib /app/lib
USER gateway
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -cp '/app/app.jar:/app/lib/*' \"$MAIN_CLASS\""]
