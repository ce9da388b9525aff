/**
 * One proxy simulator per adapter for `lsadapter dev`: each listens on a free loopback port and
 * plays the Proxy Adapter of its adapter's kind (metadata; data on one connection, or on two
 * when the adapter is configured with a `notifyPort`, as for Servers 7.0–7.3).
 */
import type { AdapterDefinition } from '../host/adapter-runtime.js';
import type { AdapterKind } from '../host/config-schema.js';
import { ProxySimulator, type SimulatorKind } from '../testing/index.js';
import { SIMULATOR_HOST, type SimulatorAddress } from './dev-config.js';

/** Adapter Set id the simulators send in their init request, as a Server names its set. */
export const DEV_ADAPTER_SET = 'LSADAPTER_DEV';

/**
 * Lines each simulator keeps in its log: dev prints events as they come and reads no history,
 * so a small log bounds the memory of a long session.
 */
export const DEV_RECORDED_LINES = 500;

/** An adapter and the simulator it connects to. */
export interface SimulatedAdapter {
  /** The adapter's name. */
  readonly name: string;
  readonly kind: AdapterKind;
  readonly simulator: ProxySimulator;
}

/** The simulator kind that plays the Proxy Adapter of a definition. */
export function simulatorKindOf(definition: AdapterDefinition): SimulatorKind {
  if (definition.adapter.kind === 'metadata') return 'metadata';
  return definition.adapter.notifyPort === undefined ? 'data' : 'data-two-connections';
}

/**
 * Starts a simulator for each definition, in order. If one cannot start, those already started
 * are closed and the error is thrown.
 */
export async function startSimulators(
  definitions: readonly AdapterDefinition[],
): Promise<SimulatedAdapter[]> {
  const started: SimulatedAdapter[] = [];
  try {
    for (const definition of definitions) {
      const kind = simulatorKindOf(definition);
      const initParams: Record<string, string> = { 'adapters_conf.id': DEV_ADAPTER_SET };
      if (kind !== 'metadata') initParams['data_provider.name'] = definition.name;
      const simulator = new ProxySimulator({
        kind,
        host: SIMULATOR_HOST,
        initParams,
        // A Server re-sends its subscriptions to a Data Adapter that reconnects.
        resubscribeOnReconnect: true,
        maxRecordedLines: DEV_RECORDED_LINES,
      });
      started.push({ name: definition.name, kind: definition.adapter.kind, simulator });
      await simulator.start();
    }
  } catch (error) {
    await closeSimulators(started);
    throw error;
  }
  return started;
}

/** Where each simulator listens. */
export function simulatorAddresses(simulated: readonly SimulatedAdapter[]): SimulatorAddress[] {
  return simulated.map(({ name, simulator }) => ({ name, ...simulator.address }));
}

/** Closes every simulator (connections and listeners). */
export async function closeSimulators(simulated: readonly SimulatedAdapter[]): Promise<void> {
  await Promise.all(simulated.map(({ simulator }) => simulator.close()));
}
