// The window's way into Tauri. Every other module imports from here. The commands (`api`)
// are generated from their Rust declarations (src-tauri/build.rs, written by `cargo test`);
// each call rejects with an `AppError` (`toAppError`). The events are listened to here.
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { ConnectionChanged } from "../generated/ConnectionChanged";
import type { DataChanged } from "../generated/DataChanged";
import type { KoladaFetchStatus } from "../generated/KoladaFetchStatus";

export { api } from "../generated/commands";
export { toAppError } from "./ipc";

/** Progress of a running Kolada fetch; call the returned function to stop listening. */
export function onKoladaProgress(handle: (status: KoladaFetchStatus) => void): Promise<UnlistenFn> {
  return listen<KoladaFetchStatus>("kolada-progress", (event) => handle(event.payload));
}

/**
 * After a command whose writes were saved: the tables written (sorted), so a view showing
 * them can reload. Call the returned function to stop listening.
 */
export function onDataChanged(handle: (tables: string[]) => void): Promise<UnlistenFn> {
  return listen<DataChanged>("data-changed", (event) => handle(event.payload.tables));
}

/**
 * The shared database was lost (`false`: the window says it retries, and what it shows may
 * be stale) or is back (`true`: reload everything).
 */
export function onConnectionChanged(handle: (connected: boolean) => void): Promise<UnlistenFn> {
  return listen<ConnectionChanged>("connection-changed", (event) => handle(event.payload.connected));
}
