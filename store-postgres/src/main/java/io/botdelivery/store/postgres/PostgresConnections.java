package io.botdelivery.store.postgres;

import com.zaxxer.hikari.HikariConfig;
import io.botdelivery.core.spi.RetryStoreException;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.LocalCacheScope;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;

import javax.sql.DataSource;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

/**
 * The connection plumbing of {@link PostgresRetryStore}: the URL of an application's pool, the HikariCP pool's
 * settings, the properties of every connection, the dedicated LISTEN connection, the MyBatis session factory, and the
 * schema-scoped view of an application's pool. Kept apart from the store so that the store reads as the port's
 * operations, while how it reaches PostgreSQL (and what each connection is set up with) lives in one place.
 */
final class PostgresConnections {

    private PostgresConnections() {
    }

    /** The JDBC URL of {@code dataSource}'s connections. */
    static String urlOf(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            return c.getMetaData().getURL();
        } catch (SQLException e) {
            throw new RetryStoreException("cannot start store-postgres: the application's DataSource gives no connection", e);
        }
    }

    static HikariConfig hikariConfig(PostgresRetryStoreConfig config) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("bot-delivery-store");
        hikari.setJdbcUrl(config.jdbcUrl());
        if (config.user() != null) {
            hikari.setUsername(config.user());
        }
        if (config.password() != null) {
            hikari.setPassword(config.password());
        }
        hikari.setMaximumPoolSize(config.poolSize());
        hikari.setMinimumIdle(Math.min(2, config.poolSize()));
        hikari.setConnectionTimeout(config.connectionTimeout().toMillis());
        hikari.setValidationTimeout(Math.min(config.connectionTimeout().toMillis(), 5_000));
        hikari.setAutoCommit(true);
        connectionProperties(config).forEach((k, v) -> hikari.addDataSourceProperty((String) k, v));
        return hikari;
    }

    /**
     * Properties of every connection: the store's schema first on the search path, TCP keep-alive, and generic plans.
     * Every statement here is an index lookup whose best plan does not depend on its parameters; PostgreSQL's default
     * would re-plan the claim on every call (its generic cost estimate for "LIMIT $n" looks worse than a custom
     * plan's), which costs more CPU than executing it.
     */
    static Properties connectionProperties(PostgresRetryStoreConfig config) {
        Properties p = new Properties();
        p.setProperty("currentSchema", config.schema());
        p.setProperty("options", "-c plan_cache_mode=force_generic_plan");
        p.setProperty("tcpKeepAlive", "true");
        p.setProperty("ApplicationName", "bot-delivery store-postgres");
        return p;
    }

    /** The connection {@link PostgresWakeups} LISTENs on: opened outside the pool, since it is held for good. */
    static Connection openListenConnection(PostgresRetryStoreConfig config) throws SQLException {
        Properties p = connectionProperties(config);
        p.setProperty("ApplicationName", "bot-delivery store-postgres listener");
        p.setProperty("connectTimeout", Long.toString(Math.max(1, config.connectionTimeout().toSeconds())));
        if (config.user() != null) {
            p.setProperty("user", config.user());
        }
        if (config.password() != null) {
            p.setProperty("password", config.password());
        }
        return DriverManager.getConnection(config.jdbcUrl(), p);
    }

    static SqlSessionFactory sessionFactory(DataSource pool) {
        Configuration mybatis = new Configuration(new Environment("store-postgres", new JdbcTransactionFactory(), pool));
        mybatis.getTypeHandlerRegistry().register(Instant.class, new TypeHandlers.InstantHandler());
        mybatis.getTypeHandlerRegistry().register(UUID.class, new TypeHandlers.UuidHandler());
        // registered as an instance so the mapper XML's typeHandler="…LongListHandler" finds it without reflection
        mybatis.getTypeHandlerRegistry().register(List.class, new TypeHandlers.LongListHandler());
        // one session per operation: nothing to cache between statements
        mybatis.setLocalCacheScope(LocalCacheScope.STATEMENT);
        mybatis.addMapper(DeliveryMapper.class);
        return new SqlSessionFactoryBuilder().build(mybatis);
    }

    /**
     * {@code pool} whose connections have {@code schema} as their current schema while the store uses them (its
     * statements name tables without a schema) and get their previous one back when closed.
     */
    static DataSource schemaScoped(DataSource pool, String schema) {
        return proxy(DataSource.class, (proxy, method, args) -> method.getName().equals("getConnection")
                ? schemaScoped((Connection) invoke(pool, method, args), schema)
                : invoke(pool, method, args));
    }

    private static Connection schemaScoped(Connection c, String schema) throws SQLException {
        String previous;
        try {
            previous = c.getSchema();
            c.setSchema(schema);
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
        return proxy(Connection.class, (proxy, method, args) -> {
            if (method.getName().equals("close") && !c.isClosed()) {
                try {
                    c.setSchema(previous);
                } finally {
                    c.close();
                }
                return null;
            }
            return invoke(c, method, args);
        });
    }

    private static <T> T proxy(Class<T> type, InvocationHandler handler) {
        return type.cast(Proxy.newProxyInstance(PostgresRetryStore.class.getClassLoader(), new Class<?>[] {type}, handler));
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
