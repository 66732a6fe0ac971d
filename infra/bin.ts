// Entry point of `npx cdk synth|deploy` (see cdk.json): context comes from cdk.json and `-c`.
import { createApp } from "./app.ts";

createApp().app.synth();
