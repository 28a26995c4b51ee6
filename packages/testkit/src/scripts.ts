import type { ModelScript } from "@baton/demo";

/** Ready-made model scripts. Each decides from how far the current turn has got, so it repeats per turn. */
export const scripts = {
  /** Each user turn: run `command` via exec_command, then reply `text`. */
  shellThenMessage(command: string, text: string): ModelScript {
    return (request) =>
      request.turnToolOutputs.length === 0 ? { type: "shell", command } : { type: "message", text };
  },

  /** Each user turn: call dynamic tool `name` with `args`, then reply quoting the tool output. */
  toolThenMessage(name: string, args: unknown, text = `${name} returned`): ModelScript {
    return (request) => {
      const output = request.turnToolOutputs.at(-1);
      return output === undefined
        ? { type: "tool", name, arguments: args }
        : { type: "message", text: `${text}: ${output.output}` };
    };
  },

  /** Each user turn: reply `text`. */
  message(text: string): ModelScript {
    return () => ({ type: "message", text });
  },
};
