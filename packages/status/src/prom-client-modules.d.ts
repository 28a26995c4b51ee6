// prom-client's modules, imported one by one (src/metrics.ts): its index also loads the Pushgateway
// (http, https, zlib) and the cluster aggregator (node:cluster), which Baton does not use. Typed from
// the package's own declarations.
declare module "prom-client/lib/registry.js" {
  import { Registry } from "prom-client";
  export = Registry;
}
declare module "prom-client/lib/counter.js" {
  import { Counter } from "prom-client";
  export = Counter;
}
declare module "prom-client/lib/gauge.js" {
  import { Gauge } from "prom-client";
  export = Gauge;
}
declare module "prom-client/lib/histogram.js" {
  import { Histogram } from "prom-client";
  export = Histogram;
}
declare module "prom-client/lib/defaultMetrics.js" {
  import { collectDefaultMetrics } from "prom-client";
  export = collectDefaultMetrics;
}
