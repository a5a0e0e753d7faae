// An MSBuild task (compiled by RoslynCodeTaskFactory, see WeakenSymbolVersion.targets): marks one symbol
// version requirement of an ELF shared library weak, so the dynamic loader accepts a system library that lacks
// that version. Used on the copy of libLibTorchSharp.so in the build output, never on the NuGet cache.
// Written against netstandard2.0, which is what RoslynCodeTaskFactory compiles inline tasks with.
using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class WeakenSymbolVersion : Task
{
    private const uint SectionTypeVersionNeeds = 0x6ffffffe; // SHT_GNU_verneed (.gnu.version_r)
    private const ushort VersionFlagWeak = 0x2;              // VER_FLG_WEAK

    /// <summary>The ELF files to patch in place.</summary>
    [Required]
    public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>The version name whose requirement becomes weak, e.g. GLIBCXX_3.4.32.</summary>
    [Required]
    public string VersionName { get; set; } = "";

    public override bool Execute()
    {
        foreach (ITaskItem item in Files)
        {
            string path = item.GetMetadata("FullPath");
            try
            {
                string outcome = Weaken(path, VersionName);
                Log.LogMessage(MessageImportance.High, $"WeakenSymbolVersion: {VersionName} in {path}: {outcome}");
            }
            catch (Exception exception) when (exception is InvalidDataException or IOException)
            {
                Log.LogError($"WeakenSymbolVersion: cannot patch {path}: {exception.Message}");
            }
        }

        return !Log.HasLoggedErrors;
    }

    /// <summary>Sets VER_FLG_WEAK on every vernaux entry named <paramref name="versionName"/>; idempotent.</summary>
    private static string Weaken(string path, string versionName)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < 64 || bytes[0] != 0x7f || bytes[1] != (byte)'E' || bytes[2] != (byte)'L' || bytes[3] != (byte)'F')
        {
            throw new InvalidDataException("not an ELF file");
        }

        if (bytes[4] != 2 || bytes[5] != 1)
        {
            throw new InvalidDataException("not a 64-bit little-endian ELF file");
        }

        // ELF64 header: e_shoff at 0x28, e_shentsize at 0x3A, e_shnum at 0x3C.
        long sectionHeaders = (long)U64(bytes, 0x28);
        int sectionHeaderSize = U16(bytes, 0x3A);
        int sectionCount = U16(bytes, 0x3C);
        int weakened = 0, alreadyWeak = 0;
        for (int s = 0; s < sectionCount; s++)
        {
            // Elf64_Shdr: sh_type at 4, sh_offset at 24, sh_link at 40, sh_info (entry count) at 44.
            int header = checked((int)(sectionHeaders + (long)s * sectionHeaderSize));
            if (U32(bytes, header + 4) != SectionTypeVersionNeeds)
            {
                continue;
            }

            int needs = checked((int)U64(bytes, header + 24));
            int stringTableHeader = checked((int)(sectionHeaders + (long)U32(bytes, header + 40) * sectionHeaderSize));
            int strings = checked((int)U64(bytes, stringTableHeader + 24));
            uint fileCount = U32(bytes, header + 44);

            // Elf64_Verneed: vn_cnt at 2, vn_aux at 8, vn_next at 12.
            int need = needs;
            for (uint f = 0; f < fileCount; f++)
            {
                int auxCount = U16(bytes, need + 2);
                int aux = need + (int)U32(bytes, need + 8);
                for (int a = 0; a < auxCount; a++)
                {
                    // Elf64_Vernaux: vna_flags at 4, vna_name at 8, vna_next at 12.
                    if (NameAt(bytes, strings + (int)U32(bytes, aux + 8)) == versionName)
                    {
                        ushort flags = U16(bytes, aux + 4);
                        if ((flags & VersionFlagWeak) != 0)
                        {
                            alreadyWeak++;
                        }
                        else
                        {
                            ushort weak = (ushort)(flags | VersionFlagWeak);
                            bytes[aux + 4] = (byte)weak;
                            bytes[aux + 5] = (byte)(weak >> 8);
                            weakened++;
                        }
                    }

                    aux += (int)U32(bytes, aux + 12);
                }

                need += (int)U32(bytes, need + 12);
            }
        }

        if (weakened == 0)
        {
            return alreadyWeak > 0 ? "already weak" : "not required (nothing to do)";
        }

        // Write a new file and move it over the old one: a new inode, so a hard link into the NuGet cache
        // (if the copy was made as one) is never modified.
        string temporary = path + ".weakening";
        File.WriteAllBytes(temporary, bytes);
        File.Delete(path);
        File.Move(temporary, path);
        return $"marked weak ({weakened} entr{(weakened == 1 ? "y" : "ies")})";
    }

    private static ushort U16(byte[] bytes, int offset) => (ushort)(bytes[offset] | bytes[offset + 1] << 8);

    private static uint U32(byte[] bytes, int offset) => U16(bytes, offset) | (uint)U16(bytes, offset + 2) << 16;

    private static ulong U64(byte[] bytes, int offset) => U32(bytes, offset) | (ulong)U32(bytes, offset + 4) << 32;

    private static string NameAt(byte[] bytes, int offset)
    {
        int end = Array.IndexOf(bytes, (byte)0, offset);
        return Encoding.ASCII.GetString(bytes, offset, end - offset);
    }
}
