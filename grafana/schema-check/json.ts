// Json<T>: the schema type T as a JSON document can spell it. Grafana's TypeScript types use
// enums (ThresholdsMode, FieldColorModeId, MappingType...) that JSON writes as their string
// values; `${E}` turns a string enum into the union of those strings, so "absolute" is accepted
// for ThresholdsMode and "absolut" is not. Everything else is T itself, recursively, and each
// dashboard is checked as an object literal (run.sh generates gen/*.ts), so TypeScript's excess
// property check also rejects unknown or misspelt fields.
//
// Open on purpose, as Grafana itself is: a data source query (an object with `refId`) and an
// annotation query (an object with `iconColor`) carry data-source-specific fields (Prometheus'
// `expr`, `titleFormat`, `tagKeys`...) that the core schema does not list; their core fields are
// still typed.
type Open = { [key: string]: unknown };

export type Json<T> = T extends string
  ? `${T}`
  : T extends number | boolean | null | undefined
    ? T
    : T extends ReadonlyArray<infer U>
      ? Array<Json<U>>
      : T extends object
        ? { [K in keyof T]: Json<T[K]> } & (T extends { refId: string } | { iconColor: string }
            ? Open
            : unknown)
        : T;
