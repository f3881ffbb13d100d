package dev.athena.ingest.gateway.http;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.servlet.config.annotation.CorsRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean;

/**
 * The web application, wired explicitly: only the server, MVC and message conversion are auto-configured, so
 * nothing else on the launcher's classpath (Kafka, DataSource, Flyway, Redis, Batch) is picked up.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
@ImportAutoConfiguration({PropertyPlaceholderAutoConfiguration.class, TomcatServletWebServerAutoConfiguration.class,
        DispatcherServletAutoConfiguration.class, WebMvcAutoConfiguration.class,
        HttpMessageConvertersAutoConfiguration.class})
@Import({AnalysisController.class, EventsController.class, AdminController.class, UsageController.class,
        OpsController.class, Problems.class})
public class GatewayWebConfig {

    /** CORS only for the configured origins; none configured means no browser origin is allowed. */
    @Bean
    WebMvcConfigurer gatewayCors(GatewayCore core) {
        return new WebMvcConfigurer() {
            @Override
            public void addCorsMappings(CorsRegistry registry) {
                if (core.corsOrigins().isEmpty()) {
                    return;
                }
                registry.addMapping("/v1/**")
                        .allowedOrigins(core.corsOrigins().toArray(String[]::new))
                        .allowedMethods("GET", "POST", "DELETE")
                        .allowedHeaders("Authorization", "Content-Type", "Idempotency-Key", "Last-Event-ID",
                                "traceparent")
                        .exposedHeaders("Location", "Retry-After", "RateLimit-Limit", "RateLimit-Remaining",
                                "RateLimit-Policy", "Idempotent-Replayed")
                        .maxAge(600);
            }
        };
    }

    @Bean
    WebSocketConfigurer gatewayStream(GatewayCore core) {
        StreamSocket socket = new StreamSocket(core, core.limiter());
        return (WebSocketHandlerRegistry registry) -> registry.addHandler(socket, "/v1/stream")
                .addInterceptors(new StreamHandshake(core))
                .setAllowedOrigins(core.corsOrigins().toArray(String[]::new));
    }

    @Bean
    ServletServerContainerFactoryBean gatewayWebSocketContainer(GatewayCore core) {
        ServletServerContainerFactoryBean container = new ServletServerContainerFactoryBean();
        container.setMaxTextMessageBufferSize(core.maxBodyBytes());
        container.setMaxSessionIdleTimeout(15 * 60 * 1000L);
        return container;
    }
}
