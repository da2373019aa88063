package io.botdelivery.example.config;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The products the shop bot sells, in the order of the config file. */
public record Catalog(List<Product> products) {
    public Catalog {
        products = List.copyOf(products);
        Map<String, Product> seen = new LinkedHashMap<>();
        for (Product p : products) {
            if (seen.put(p.id(), p) != null) {
                throw new IllegalArgumentException("two products have the id " + p.id());
            }
        }
    }

    public static Catalog of(Collection<Product> products) {
        return new Catalog(List.copyOf(products));
    }

    public Optional<Product> find(String id) {
        return products.stream().filter(p -> p.id().equals(id)).findFirst();
    }

    public boolean isEmpty() {
        return products.isEmpty();
    }
}
