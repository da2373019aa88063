package io.botdelivery.spring.boot;

import io.botdelivery.core.DeliveryEngine;
import io.botdelivery.core.spi.RetryStore;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code botDelivery} component of {@code /actuator/health} (engine running, store reachable), when the
 * application uses Actuator. Off with {@code management.health.bot-delivery.enabled=false}. A class of its own so that
 * {@link BotDeliveryAutoConfiguration} never names an Actuator type.
 */
@AutoConfiguration(after = BotDeliveryAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator")
@ConditionalOnBean({DeliveryEngine.class, DeliveryEngineLifecycle.class})
@ConditionalOnEnabledHealthIndicator("bot-delivery")
public class BotDeliveryHealthAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "botDeliveryHealthIndicator")
    HealthIndicator botDeliveryHealthIndicator(DeliveryEngine engine, DeliveryEngineLifecycle lifecycle,
                                               ObjectProvider<RetryStore> store) {
        return new BotDeliveryHealthIndicator(engine, lifecycle, store.getIfUnique());
    }
}
