; Inno Setup script: a Windows installer for the PyInstaller bundle (dist\conv-playground).
; Built by .github/workflows/installers.yml after the bundle:
;   iscc /DAppVersion=0.1.0 packaging\windows\conv-playground.iss
; (BundleDir, SetupIcon and OutputDir default to the paths below, relative to this file.)
; Installs per user by default (no administrator needed, as on a school PC), or for all users
; when run as administrator; Start-menu entry (and optionally a desktop icon) for the windowed
; executable; the console executable conv-playground.exe sits beside it for the command line.

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=X.Y.Z ...
#endif
#ifndef BundleDir
  #define BundleDir "..\..\dist\conv-playground"
#endif
#ifndef SetupIcon
  ; written by packaging/conv-playground.spec (pyi_helpers.icon_file) into PyInstaller's workpath
  #define SetupIcon "..\..\build\pyinstaller\conv-playground\conv-playground.ico"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif
#define AppName "Convolution Playground"
#define GuiExe "conv-playground-gui.exe"

[Setup]
AppId={{6CB464B6-C008-4E1E-AB61-09A6050376C0}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Convolution Playground developers
AppPublisherURL=https://github.com/conv-playground/conv-playground
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog commandline
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#OutputDir}
OutputBaseFilename=conv-playground-{#AppVersion}-windows-x64-setup
SetupIconFile={#SetupIcon}
UninstallDisplayIcon={app}\{#GuiExe}
LicenseFile=..\..\LICENSE
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
Source: "..\..\LICENSE"; DestDir: "{app}"; DestName: "LICENSE.txt"; Flags: ignoreversion
Source: "..\..\NOTICE-MNIST.md"; DestDir: "{app}"; DestName: "NOTICE-MNIST.txt"; Flags: ignoreversion

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#GuiExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#GuiExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#GuiExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
