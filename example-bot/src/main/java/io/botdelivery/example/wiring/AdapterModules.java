package io.botdelivery.example.wiring;

import com.google.inject.Module;
import io.botdelivery.core.spi.RateLimiter;
import io.botdelivery.example.config.BotConfig;
import io.botdelivery.example.config.Secret;
import io.botdelivery.example.ops.HealthCheck;

import java.util.List;

/** The one place where configuration chooses adapters (wired as the adapter modules land on main). */
public final class AdapterModules {
    private AdapterModules() {
    }

    public static List<Module> forConfig(BotConfig config, Secret token) {
        throw new IllegalStateException("the limiter and sender adapters have not landed on main yet");
    }

    static HealthCheck limiterHealth(BotConfig config, RateLimiter limiter) {
        throw new IllegalStateException("the limiter adapters have not landed on main yet");
    }
}
