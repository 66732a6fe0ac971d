import { InputError } from "../errors.ts";
import { decodeArrays, encodeArrays } from "./arrays-file.ts";
import type { MapPoint, ProfileBand } from "./profiles.ts";
import type { ProfileSurface } from "./sem-model.ts";

/**
 * One profile as the jobs and the aggregation read it: its line, its surface elevations (what the
 * SEM mesh follows) and its band of cells (what the ground motion is applied to). One file per
 * profile, shared by every scenario's job on that profile.
 */
export interface ProfileFile {
  name: string;
  from: MapPoint;
  to: MapPoint;
  length_m: number;
  surface: ProfileSurface;
  band: ProfileBand;
}

interface ProfileMeta {
  kind: "quakeslide-campaign-profile";
  name: string;
  from: MapPoint;
  to: MapPoint;
  length_m: number;
  surface: { x: number[]; z: number[] };
}

export function encodeProfileFile(profile: ProfileFile): Uint8Array {
  const meta: ProfileMeta = {
    kind: "quakeslide-campaign-profile",
    name: profile.name,
    from: profile.from,
    to: profile.to,
    length_m: profile.length_m,
    surface: { x: Array.from(profile.surface.x), z: Array.from(profile.surface.z) },
  };
  const { band } = profile;
  return encodeArrays(meta, {
    cell: band.cell,
    along: band.along,
    distance: band.distance,
    ac: band.ac,
    cx: band.cx,
    cz: band.cz,
  });
}

export function decodeProfileFile(bytes: Uint8Array, file: string): ProfileFile {
  const { meta, arrays } = decodeArrays<ProfileMeta>(bytes, file);
  if (meta?.kind !== "quakeslide-campaign-profile")
    throw new InputError("not a campaign profile file", { file });
  return {
    name: meta.name,
    from: meta.from,
    to: meta.to,
    length_m: meta.length_m,
    surface: meta.surface,
    band: arrays as unknown as ProfileBand,
  };
}
